// The top bar's unread count (templates/notifications/_inbox_link.html) polls every 30 s:
// not while the tab is hidden, and once at once when it is shown again.
(() => {
  document.addEventListener("htmx:beforeRequest", (event) => {
    if (document.hidden && event.detail.elt.hasAttribute("data-unread-poll")) {
      event.preventDefault();
    }
  });
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && window.htmx && document.getElementById("unread-badge")) {
      window.htmx.trigger(document.body, "notificationsChanged");
    }
  });
})();
