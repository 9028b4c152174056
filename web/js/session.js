// Who is logged in, and what their role lets them see.
import { get, post, del, setCsrf } from './api.js';

export const session = { user: null };

export async function restore() {
  try {
    const s = await get('/session', null, { noRedirect: true });
    setCsrf(s.csrf_token);
    session.user = s.user;
  } catch (e) {
    if (e.status !== 401) throw e;
    session.user = null;
  }
  return session.user;
}

export async function login(loginName, password) {
  const s = await post('/session', { login: loginName, password }, { noRedirect: true });
  setCsrf(s.csrf_token);
  session.user = s.user;
  return s.user;
}

export async function logout() {
  try { await del('/session', { noRedirect: true }); } catch { /* the session may already be gone */ }
  setCsrf(null);
  session.user = null;
}

export async function changePassword(oldPassword, newPassword) {
  await post('/session/password', { old_password: oldPassword, new_password: newPassword }, { noRedirect: true });
  if (session.user) session.user = { ...session.user, must_change_password: false };
}

const role = () => session.user?.role;
export const canReorg = () => role() === 'manager' || role() === 'admin';
export const canManageUsers = () => role() === 'admin';
export const canReadAudit = () => role() === 'manager' || role() === 'admin';
