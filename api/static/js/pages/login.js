// Login: exchange username + password for a token, learn the role, and land on that role's page.
import { api, checkRequired, clearErrors, saveSession, showErrors, strings } from "../api.js";

const form = document.getElementById("login-form");
const t = strings();

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  if (!checkRequired(form, ["username", "password"])) return;
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  button.textContent = t.submitting;
  try {
    const body = { username: form.username.value.trim(), password: form.password.value };
    const granted = await api("POST", "/api/auth/token", { body, auth: false });
    const session = await fetch("/ui/session", { headers: { Authorization: `Bearer ${granted.access_token}` } })
      .then((r) => r.json());
    saveSession(granted.access_token, session);
    const next = new URLSearchParams(location.search).get("next");
    // Only a path on this site: "//host" and "/\host" would leave it (browsers read a backslash as /).
    location.assign(next && /^\/(?![\/\\])/.test(next) ? next : session.landing);
  } catch (err) {
    if (err.status === 401) {
      err.code = "invalid";  // on this page a 401 means wrong credentials, not an expired session
      err.fields = { password: [err.message] };  // the server's words: 用户名或密码错误
    }
    showErrors(form, err);
  } finally {
    button.disabled = false;
    button.textContent = t.submit;
  }
});
