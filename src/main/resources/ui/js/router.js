// Client-side pages: /, /jobs/{id}, /jobs/{id}/tasks/{taskId}, /submit, /dashboard, /workers, /reference (the server answers
// index.html at each, so they can be bookmarked and reloaded).

let render = () => {};

export function onNavigate(f) {
  render = f;
}

/** Goes to a page of the UI; replace keeps the history entry (filters, paging). */
export function navigate(url, {replace = false} = {}) {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  render();
}

/** Links within the UI change the page without a reload; others (and ctrl-click) as usual. */
export function interceptLinks() {
  document.addEventListener('click', (e) => {
    const a = e.target.closest('a[href]');
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/') || a.target) return;
    e.preventDefault();
    if (url.pathname.startsWith('/') && url.hash && url.pathname === location.pathname && url.search === location.search) {
      document.querySelector(url.hash)?.focus();
      return;
    }
    navigate(url.pathname + url.search);
  });
  window.addEventListener('popstate', () => render());
}
