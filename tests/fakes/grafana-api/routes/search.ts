/** `GET /api/search` in the current org (CONTRACT §8.4). */
import { requireOrgRole } from '../auth';
import { fail, intQuery, ok, slugify } from '../http';
import { dashboardUrl } from './dashboards';
import { folderUrl } from './folders';
import type { Route } from './types';

/** Repeated or comma-separated multi-value query parameters. */
function multi(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((v) => v.split(','))
    .filter((v) => v !== '');
}

export const searchRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/api/search',
    handle: ({ state, auth, query }) => {
      requireOrgRole(auth, 'Viewer', 'dashboards:read');
      const limitRaw = intQuery(query, 'limit', 0);
      if (limitRaw > 5000) {
        fail(422, 'Limit is above maximum allowed (5000), use page parameter to access hits beyond limit');
      }
      const type = query.get('type') ?? '';
      if (type !== '' && type !== 'dash-db' && type !== 'dash-folder') {
        fail(500, 'Search failed'); // observed on ≥12 (CONTRACT §8.4)
      }
      const limit = limitRaw <= 0 ? 1000 : limitRaw; // default size 1000 (unverified in source, §11.13)
      const page = Math.max(1, intQuery(query, 'page', 1));
      const text = (query.get('query') ?? '').toLowerCase();
      const folderUids = multi(query, 'folderUIDs').map((u) => (u === 'general' ? '' : u));
      const dashboardUids = multi(query, 'dashboardUIDs');
      const tags = query.getAll('tag');
      const folders =
        type === 'dash-db' || tags.length > 0
          ? []
          : state
              .foldersOf(auth.orgId)
              .filter(
                (f) =>
                  (folderUids.length === 0 || folderUids.includes(f.parentUid)) &&
                  (dashboardUids.length === 0 || dashboardUids.includes(f.uid))
              )
              .map((f) => ({
                id: f.id,
                uid: f.uid,
                orgId: f.orgId,
                title: f.title,
                uri: 'db/' + slugify(f.title),
                url: folderUrl(f),
                slug: '',
                type: 'dash-folder',
                tags: [] as string[],
                isStarred: false,
                sortMeta: 0,
                isDeleted: false,
              }));
      const dashboards =
        type === 'dash-folder'
          ? []
          : state
              .dashboardsOf(auth.orgId)
              .filter(
                (d) =>
                  (folderUids.length === 0 || folderUids.includes(d.folderUid)) &&
                  (dashboardUids.length === 0 || dashboardUids.includes(d.uid))
              )
              .filter((d) => tags.every((t) => ((d.json.tags as string[] | undefined) ?? []).includes(t)))
              .map((d) => {
                const folder = d.folderUid ? state.folder(d.orgId, d.folderUid) : undefined;
                return {
                  id: d.id,
                  uid: d.uid,
                  orgId: d.orgId,
                  title: d.title,
                  uri: 'db/' + slugify(d.title),
                  url: dashboardUrl(d),
                  slug: '',
                  type: 'dash-db',
                  tags: ((d.json.tags as string[] | undefined) ?? []).slice(),
                  isStarred: false,
                  sortMeta: 0,
                  isDeleted: false,
                  ...(folder
                    ? {
                        folderId: folder.id,
                        folderUid: folder.uid,
                        folderTitle: folder.title,
                        folderUrl: folderUrl(folder),
                      }
                    : {}),
                };
              });
      const hits = [...folders, ...dashboards]
        .filter((h) => h.title.toLowerCase().includes(text))
        .sort((a, b) => a.title.toLowerCase().localeCompare(b.title.toLowerCase()));
      const pageHits = hits.slice((page - 1) * limit, page * limit);
      // unifiedStorageSearchUI: hits come from the unified search index, keyed by uid; they carry
      // no legacy numeric `id`/`folderId` (CONTRACT "Found against Grafana's source").
      return ok(
        state.featureToggles.has('unifiedStorageSearchUI')
          ? pageHits.map(({ id: _id, folderId: _folderId, ...rest }: Record<string, unknown>) => rest)
          : pageHits
      );
    },
  },
];
