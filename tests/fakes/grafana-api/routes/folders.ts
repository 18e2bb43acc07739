/** `/api/folders*` in the current org (CONTRACT §8.1) plus legacy folder permissions. */
import { AuthContext, callerLogin, requireOrgRole } from '../auth';
import { FakeHttpError, fail, failTagged, forbidden, intQuery, objectBody, ok, slugify } from '../http';
import { AclItem, FakeState, FolderRow } from '../state';
import type { Route, RouteContext } from './types';
import { validateUid } from './uids';

export function folderUrl(f: FolderRow): string {
  return `/dashboards/f/${f.uid}/${slugify(f.title)}`;
}

function folderDto(f: FolderRow) {
  return {
    id: f.id,
    uid: f.uid,
    orgId: f.orgId,
    title: f.title,
    url: folderUrl(f),
    ...(f.parentUid ? { parentUid: f.parentUid } : {}),
    hasAcl: false,
    canSave: true,
    canEdit: true,
    canAdmin: true,
    canDelete: true,
    createdBy: f.createdBy,
    created: f.created,
    updatedBy: f.updatedBy,
    updated: f.updated,
    version: f.version,
  };
}

export function folderOrFail(state: FakeState, orgId: number, uid: string): FolderRow {
  const f = state.folder(orgId, uid);
  if (!f) {
    if (state.featureToggles.has('kubernetesFolders')) {
      failKubernetes(404, 'NotFound', `folders.folder.grafana.app "${uid}" not found`, uid);
    }
    failTagged(404, 'not-found', 'folder not found');
  }
  return f;
}

/**
 * With kubernetesFolders the folder API is served by the app platform and errors are plain
 * Kubernetes `Status` objects (k8s.io/apimachinery metav1.Status: kind, status, message, reason,
 * details, code), not Grafana's status-tagged bodies (CONTRACT "Found against Grafana's source").
 */
function failKubernetes(code: number, reason: string, message: string, name: string): never {
  throw new FakeHttpError(code, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    details: { name, group: 'folder.grafana.app', kind: 'folders' },
    code,
  });
}

const PERMISSION_NAMES: Record<number, string> = { 1: 'View', 2: 'Edit', 4: 'Admin' };

/** Org Admins, and users holding Admin on the folder directly or through a team, may change its permissions. */
function canAdminFolder(state: FakeState, auth: AuthContext, f: FolderRow): boolean {
  if (auth.role === 'Admin') {
    return true;
  }
  if (auth.identity.kind !== 'user') {
    return false;
  }
  const userId = auth.identity.user.id;
  return f.acl.some(
    (a) =>
      a.permission === 4 &&
      (a.userId === userId || (a.teamId !== undefined && state.teams.get(a.teamId)?.members.has(userId)))
  );
}

function aclDto(state: FakeState, f: FolderRow, a: AclItem) {
  const base = {
    folderId: f.id,
    folderUid: f.uid,
    dashboardId: 0,
    uid: f.uid,
    title: f.title,
    slug: slugify(f.title),
    url: folderUrl(f),
    isFolder: true,
    inherited: false,
    permission: a.permission,
    permissionName: PERMISSION_NAMES[a.permission] ?? '',
    created: f.created,
    updated: f.updated,
  };
  if (a.teamId !== undefined) {
    const t = state.teams.get(a.teamId);
    return {
      ...base,
      teamId: a.teamId,
      teamUid: t?.uid ?? '',
      team: t?.name ?? '',
      teamEmail: t?.email ?? '',
      teamAvatarUrl: '',
    };
  }
  if (a.userId !== undefined) {
    const u = state.users.get(a.userId);
    return {
      ...base,
      userId: a.userId,
      userUid: u?.uid ?? '',
      userLogin: u?.login ?? '',
      userEmail: u?.email ?? '',
      userAvatarUrl: '',
    };
  }
  return { ...base, role: a.role };
}

function parseAcl(state: FakeState, orgId: number, body: unknown): AclItem[] {
  const items = objectBody(body).items;
  if (!Array.isArray(items)) {
    fail(400, 'bad request data');
  }
  return items.map((raw: Record<string, unknown>) => {
    const permission = Number(raw.permission);
    if (![1, 2, 4].includes(permission)) {
      fail(400, 'Invalid permission');
    }
    if (raw.teamId !== undefined && raw.teamId !== 0) {
      const team = state.teams.get(Number(raw.teamId));
      if (!team || team.orgId !== orgId) {
        fail(404, 'Team not found');
      }
      return { teamId: team.id, permission };
    }
    if (raw.userId !== undefined && raw.userId !== 0) {
      if (!state.membership(orgId, Number(raw.userId))) {
        fail(404, 'User not found');
      }
      return { userId: Number(raw.userId), permission };
    }
    if (raw.role === 'Viewer' || raw.role === 'Editor') {
      return { role: raw.role, permission };
    }
    fail(400, 'Invalid permission item: set exactly one of userId, teamId or role (Viewer/Editor)');
  });
}

function deleteFolderTree(state: FakeState, f: FolderRow): void {
  for (const child of state.foldersOf(f.orgId).filter((c) => c.parentUid === f.uid)) {
    deleteFolderTree(state, child);
  }
  state.deleteWhere(state.dashboards, (d) => d.orgId === f.orgId && d.folderUid === f.uid);
  state.folders.delete(f.id);
}

const uidOf = (ctx: RouteContext) => folderOrFail(ctx.state, ctx.auth.orgId, ctx.params.uid);

export const folderRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/api/folders',
    handle: ({ state, auth, query }) => {
      requireOrgRole(auth, 'Viewer', 'folders:read');
      const parent = query.get('parentUid') ?? '';
      let limit = intQuery(query, 'limit', 1000);
      limit = limit <= 0 ? 1000 : limit;
      const page = Math.max(1, intQuery(query, 'page', 1));
      const all = state
        .foldersOf(auth.orgId)
        .filter((f) => f.parentUid === parent)
        .sort((a, b) => a.title.toLowerCase().localeCompare(b.title.toLowerCase()));
      // kubernetesFolders: the list comes from the app platform and ignores `page` and `limit`:
      // every request answers the whole list (CONTRACT "Found against Grafana's source").
      const ignorePaging = state.featureToggles.has('kubernetesFolders');
      return ok(
        (ignorePaging ? all : all.slice((page - 1) * limit, page * limit)).map((f) => ({
          id: f.id,
          uid: f.uid,
          title: f.title,
          ...(f.parentUid ? { parentUid: f.parentUid } : {}),
        }))
      );
    },
  },
  {
    method: 'POST',
    pattern: '/api/folders',
    handle: ({ state, auth, body }) => {
      requireOrgRole(auth, 'Editor', 'folders:create');
      const b = objectBody(body);
      const title = String(b.title ?? '').trim();
      if (title === '') {
        fail(400, 'folder title cannot be empty');
      }
      const uid = b.uid ? validateUid(String(b.uid)) : state.newUid();
      if (state.folder(auth.orgId, uid) || state.dashboard(auth.orgId, uid)) {
        if (state.featureToggles.has('kubernetesFolders')) {
          failKubernetes(409, 'AlreadyExists', `folders.folder.grafana.app "${uid}" already exists`, uid);
        }
        // 409 vs 412 on 12.x is unverified (CONTRACT §8.1, §11.11).
        fail(409, 'a folder with the same uid already exists');
      }
      const parentUid = String(b.parentUid ?? '');
      if (parentUid !== '') {
        folderOrFail(state, auth.orgId, parentUid);
      }
      const now = state.now();
      const acl: AclItem[] = [
        { role: 'Editor', permission: 2 },
        { role: 'Viewer', permission: 1 },
      ];
      if (auth.identity.kind === 'user') {
        acl.unshift({ userId: auth.identity.user.id, permission: 4 });
      }
      const f: FolderRow = {
        id: state.nextId('dashboard'), // folders live in the dashboard table: shared id counter
        uid,
        orgId: auth.orgId,
        title,
        parentUid,
        version: 1,
        created: now,
        updated: now,
        createdBy: callerLogin(auth),
        updatedBy: callerLogin(auth),
        acl,
      };
      state.folders.set(f.id, f);
      return ok(folderDto(f));
    },
  },
  {
    method: 'GET',
    pattern: '/api/folders/:uid',
    handle: (ctx) => {
      requireOrgRole(ctx.auth, 'Viewer', 'folders:read');
      return ok(folderDto(uidOf(ctx)));
    },
  },
  {
    method: 'PUT',
    pattern: '/api/folders/:uid',
    handle: (ctx) => {
      requireOrgRole(ctx.auth, 'Editor', 'folders:write');
      const f = uidOf(ctx);
      const b = objectBody(ctx.body);
      if (b.overwrite !== true && b.version !== f.version) {
        failTagged(412, 'version-mismatch', 'the folder has been changed by someone else');
      }
      const title = b.title === undefined ? f.title : String(b.title).trim();
      if (title === '') {
        fail(400, 'folder title cannot be empty');
      }
      f.title = title;
      f.version += 1;
      f.updated = ctx.state.now();
      f.updatedBy = callerLogin(ctx.auth);
      return ok(folderDto(f));
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/folders/:uid',
    handle: (ctx) => {
      requireOrgRole(ctx.auth, 'Editor', 'folders:delete');
      const f = uidOf(ctx);
      deleteFolderTree(ctx.state, f);
      return ok({ id: f.id, title: f.title, message: `Folder ${f.title} deleted` });
    },
  },
  {
    method: 'GET',
    pattern: '/api/folders/:uid/permissions',
    handle: (ctx) => {
      requireOrgRole(ctx.auth, 'Viewer', 'folders.permissions:read');
      const f = uidOf(ctx);
      if (!canAdminFolder(ctx.state, ctx.auth, f)) {
        forbidden('folders.permissions:read');
      }
      return ok(f.acl.map((a) => aclDto(ctx.state, f, a)));
    },
  },
  {
    method: 'POST',
    pattern: '/api/folders/:uid/permissions',
    handle: (ctx) => {
      requireOrgRole(ctx.auth, 'Viewer', 'folders.permissions:write');
      const f = uidOf(ctx);
      if (!canAdminFolder(ctx.state, ctx.auth, f)) {
        forbidden('folders.permissions:write');
      }
      // The legacy ACL API replaces the whole list with the items sent.
      f.acl = parseAcl(ctx.state, f.orgId, ctx.body);
      return ok({ message: 'Folder permissions updated' });
    },
  },
];
