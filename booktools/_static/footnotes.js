/* Footnote pop-ups: hovering over, focusing or tapping a note mark shows the note beside it.
   A second tap (or a click with a mouse) follows the link to the chapter's notes as before.
   No library: the notes are already in the page, one <aside>/<div> per note. */
(function () {
  "use strict";
  let popup = null;
  let shownFor = null;

  function noteFor(ref) {
    const id = decodeURIComponent((ref.getAttribute("href") || "").replace(/^#/, ""));
    const target = id && document.getElementById(id);
    if (!target) return null;
    const clone = target.cloneNode(true);
    clone.removeAttribute("id");
    clone.querySelectorAll("[id]").forEach((el) => el.removeAttribute("id"));
    clone.querySelectorAll(".label, .backrefs").forEach((el) => el.remove());
    return clone;
  }

  function hide() {
    if (popup) popup.remove();
    popup = null;
    shownFor = null;
  }

  function show(ref) {
    if (shownFor === ref) return;
    hide();
    const note = noteFor(ref);
    if (!note) return;
    popup = document.createElement("div");
    popup.className = "bk-note-popup";
    popup.setAttribute("role", "tooltip");
    popup.id = "bk-note-popup";
    popup.appendChild(note);
    document.body.appendChild(popup);
    const r = ref.getBoundingClientRect();
    const width = popup.offsetWidth;
    const left = Math.max(8, Math.min(r.left + window.scrollX - width / 2,
      document.documentElement.clientWidth - width - 8 + window.scrollX));
    popup.style.left = `${left}px`;
    popup.style.top = `${r.bottom + window.scrollY + 6}px`;
    ref.setAttribute("aria-describedby", popup.id);
    shownFor = ref;
  }

  document.addEventListener("DOMContentLoaded", () => {
    const refs = document.querySelectorAll("a.footnote-reference");
    refs.forEach((ref) => {
      ref.addEventListener("mouseenter", () => show(ref));
      ref.addEventListener("mouseleave", hide);
      ref.addEventListener("focus", () => show(ref));
      ref.addEventListener("blur", hide);
      ref.addEventListener("pointerup", (ev) => {
        if (ev.pointerType === "touch" && shownFor !== ref) {
          show(ref);
          ref.dataset.bkTapped = "1";
        }
      });
      ref.addEventListener("click", (ev) => {
        if (ref.dataset.bkTapped) {
          delete ref.dataset.bkTapped;
          ev.preventDefault();
        }
      });
    });
    document.addEventListener("keydown", (ev) => { if (ev.key === "Escape") hide(); });
    document.addEventListener("pointerdown", (ev) => {
      if (popup && !ev.target.closest("a.footnote-reference, .bk-note-popup")) hide();
    });
  });
})();
