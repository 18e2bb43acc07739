/**
 * Numeric team ids where the team search leaves them out.
 *
 * With the `kubernetesTeamsRedirect` toggle, /api/teams/search is answered from the app platform's
 * Team resources, which have a uid but no legacy numeric id (CONTRACT "Found against Grafana's
 * source"). The legacy routes still accept a uid in place of the id (`MiddlewareTeamUIDResolver`,
 * pkg/services/team/team.go) and answer the team with its id, so each such team is read once more
 * by uid. Folder permissions and membership calls need the id; a team that has none even then is
 * refused by name instead of being written with a wrong or missing id.
 */
import type { Team, TeamSearchHit } from './types';

export class TeamWithoutIdError extends Error {
  constructor(readonly team: string) {
    super(
      `team "${team}" has no numeric id, even when read by uid: this Grafana serves teams from the app platform (feature toggle kubernetesTeamsRedirect) in a way the tenancy app cannot use. Disable kubernetesTeamsRedirect for now, then plan again.`
    );
    this.name = 'TeamWithoutIdError';
  }
}

export async function withTeamIds(hits: TeamSearchHit[], getByUid: (uid: string) => Promise<Team>): Promise<Team[]> {
  const out: Team[] = [];
  for (const hit of hits) {
    if (typeof hit.id === 'number' && hit.id > 0) {
      out.push(hit as Team);
      continue;
    }
    const full = hit.uid ? await getByUid(hit.uid) : undefined;
    if (!full || typeof full.id !== 'number' || full.id <= 0) {
      throw new TeamWithoutIdError(hit.name);
    }
    out.push({ ...hit, ...full, id: full.id });
  }
  return out;
}
