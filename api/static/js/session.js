// Staff pages: require a logged-in session of the right role, and draw the header navigation.
import { clearSession, currentSession, strings, token } from "./api.js";

/** Return the stored session, or send the user to the login page (and back here afterwards). */
export function requireSession(roles = null) {
  const session = currentSession();
  if (!token() || !session) {
    location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    throw new Error("login required");
  }
  drawHeader(session);
  if (roles && !roles.includes(session.role)) {
    location.assign(session.landing || "/");
    throw new Error("wrong role");
  }
  return session;
}

/** Fill the header's navigation and user box from the session (public pages call it too, if logged in). */
export function drawHeader(session = currentSession()) {
  if (!session) return;
  const t = strings();
  const nav = document.getElementById("nav");
  if (nav) {
    nav.replaceChildren(...session.nav.map((item) => {
      const a = document.createElement("a");
      a.href = item.url;
      a.textContent = t.nav?.[item.key] || item.key;
      if (location.pathname === item.url) a.setAttribute("aria-current", "page");
      return a;
    }));
  }
  const who = document.getElementById("who");
  if (who) {
    const role = t.roles?.[session.role] || session.role;
    document.getElementById("who-name").textContent =
      [session.department_name, role, session.username].filter(Boolean).join(" · ");
    who.hidden = false;
    document.getElementById("logout").onclick = () => {
      clearSession();
      location.assign("/login");
    };
  }
}
