// PayHelp staff console: the inbox refreshes itself by polling /staff/api/tickets (no inline script: the CSP forbids it).
"use strict";
(function () {
  const box = document.getElementById("tickets");
  if (!box) return;
  const every = Number(box.dataset.poll || 3000);
  function busy() {
    // Never replace the list under a reply being written.
    return Array.from(box.querySelectorAll("textarea")).some((t) => t.value.trim() !== "" || t === document.activeElement);
  }
  async function poll() {
    try {
      const response = await fetch("/staff/api/tickets", { credentials: "same-origin", cache: "no-store" });
      if (response.status === 401) { window.location.href = "/staff"; return; }
      if (response.ok) {
        const data = await response.json();
        if (data.version !== box.dataset.version && !busy()) {
          box.innerHTML = data.html;
          box.dataset.version = data.version;
        }
      }
    } catch (error) {
      // offline for a moment: try again at the next tick
    }
    window.setTimeout(poll, every);
  }
  window.setTimeout(poll, every);
})();
