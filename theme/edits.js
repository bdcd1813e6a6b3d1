// Kept edits and "Open in play.rust-lang.org", for every listing.
//
// Loaded through book.toml's `additional-js` after theme/playground.js,
// whose editor it uses (`window.bookPlayground.makeEditable`, and the
// `book-editor` event each new editor sends from its <pre>).
//
// Edits: each edited listing is saved in `localStorage` as the reader types
// (debounced, EDIT_SAVE_DELAY_MS after the last change; a pending save is
// also written when the page is hidden), under a key made of the listing's
// package and its place among the page's listings of that package
// (`listingKey`), with a hash of the book's own source of that listing
// (`sourceHash`). On load a saved edit whose hash matches is put back in the
// editor; one whose hash differs (the book changed the listing since) is not
// used silently, nor dropped: a notice next to the block offers both. A
// visible Reset button brings back the book's version and forgets the edit.
//
// Share: each runnable listing links to play.rust-lang.org with its whole
// source (the hidden lines too, as Run sends it), edition 2024 (the block's
// `editionNNNN` class), and the reader's edit if there is one.
//
// What it relies on from the page (ARCHITECTURE.md, "Invariants and
// contracts"): `figure.listing[data-package][data-run]` around mdBook's
// `pre.playground`, the block's `.play-button` (absent or hidden: not
// runnable), and mdBook's `playground_text(pre, true)`.

const EDIT_KEY_PREFIX = 'async-rust-book/edit/v1/';
const EDIT_SAVE_DELAY_MS = 400;
const PLAY_URL = 'https://play.rust-lang.org/';

// FNV-1a, 64 bits, over the text's UTF-8 bytes, as 16 hex digits. Not a
// security measure: it only tells "the book's source changed" apart.
function sourceHash(text) {
    const bytes = new TextEncoder().encode(text);
    const prime = 0x100000001b3n;
    const mask = 0xffffffffffffffffn;
    let hash = 0xcbf29ce484222325n;
    for (const byte of bytes) {
        hash ^= BigInt(byte);
        hash = (hash * prime) & mask;
    }
    return hash.toString(16).padStart(16, '0');
}

// `async-rust-book/edit/v1/ch02-tokio-main/1`: the package, and which of
// the page's listings of that package (a chapter may show one crate in
// several parts). Listing numbers are not used: they move whenever a
// chapter gains a listing.
function listingKey(pkg, occurrence) {
    return EDIT_KEY_PREFIX + pkg + '/' + occurrence;
}

// The link that opens `code` on play.rust-lang.org, as its own URL
// parameters name them (rust-lang/rust-playground's tests,
// "Configuration by URL parameters": `version`, `mode`, `edition`, `code`;
// without `edition` a shared code opens as Rust 2015).
function playgroundUrl(code, edition = '2024') {
    // A listing without `fn main` goes as its crate has it, without the
    // `fn main() { ... }` mdBook wraps around it (playground.js's
    // bookUnwrappedMain, the same as Run sends), or its tests would not run.
    const shared = typeof bookUnwrappedMain === 'function' ? bookUnwrappedMain(code) : code; // eslint-disable-line no-undef
    return PLAY_URL + '?version=stable&mode=debug&edition=' + encodeURIComponent(edition)
        + '&code=' + encodeURIComponent(shared);
}

// A stored edit, or null when `json` is not one (absent, corrupt, another
// version of this script's format).
function parseSavedEdit(json) {
    if (typeof json !== 'string') {
        return null;
    }
    try {
        const saved = JSON.parse(json);
        if (saved && saved.v === 1 && typeof saved.hash === 'string' && typeof saved.code === 'string') {
            return saved;
        }
    } catch (_) {
        // Not ours; treated as no edit.
    }
    return null;
}

function savedEditJson(hash, code, when) {
    return JSON.stringify({v: 1, hash: hash, code: code, saved: when});
}

// What to do on load with a listing whose book source hashes to `hash`:
// 'none' (no edit, or an edit equal to the book's version), 'restore' (an
// edit of this very source) or 'ask' (an edit of an older source).
function savedEditAction(saved, hash, source) {
    if (!saved) {
        return 'none';
    }
    if (saved.hash !== hash) {
        return 'ask';
    }
    return saved.code === source ? 'none' : 'restore';
}

// Node.js (tests/page-script/) loads this file for the functions above.
if (typeof module !== 'undefined') {
    module.exports = {sourceHash, listingKey, playgroundUrl, parseSavedEdit, savedEditJson, savedEditAction};
}

(function bookEdits() {
    'use strict';

    if (typeof document === 'undefined') {
        return;
    }
    // The print page shows the book as it is; its listings are numbered
    // across chapters, so their keys would not match a chapter's anyway.
    if (/\/print\.html$/.test(location.pathname)) {
        return;
    }

    // See bookUsableStorage in playground.js (loaded first: book.toml).
    const store = bookUsableStorage(EDIT_KEY_PREFIX + 'probe'); // eslint-disable-line no-undef

    function read(key) {
        try {
            return store ? parseSavedEdit(store.getItem(key)) : null;
        } catch (_) {
            return null;
        }
    }

    const pending = new Set();
    const occurrences = new Map();
    let unkeyed = 0;

    function editionOf(code) {
        for (const cls of code.classList) {
            if (/^edition20\d\d$/.test(cls)) {
                return cls.slice('edition'.length);
            }
        }
        return '2024';
    }

    function button(text, cls) {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = cls;
        b.textContent = text;
        return b;
    }

    function setUp(pre) {
        const code = pre.querySelector('code');
        const play = pre.querySelector('.play-button');
        if (!code || !play) {
            return; // not a Rust block mdBook offers to run or edit
        }
        const figure = pre.closest('figure.listing');
        let key;
        let label;
        if (figure && figure.dataset.package) {
            const pkg = figure.dataset.package;
            const n = (occurrences.get(pkg) || 0) + 1;
            occurrences.set(pkg, n);
            key = listingKey(pkg, n);
            const number = figure.querySelector('.listing-number');
            label = number ? number.textContent.trim() : pkg;
        } else {
            unkeyed += 1;
            key = EDIT_KEY_PREFIX + 'page' + location.pathname + '/' + unkeyed;
            label = 'this code';
        }
        const existing = window.ace && code.classList.contains('editable') ? window.ace.edit(code) : null;
        const source = existing && typeof existing.originalCode === 'string'
            ? existing.originalCode
            : playground_text(pre, true); // eslint-disable-line no-undef
        const hash = sourceHash(source);
        const edition = editionOf(code);
        const runnable = !play.hidden && !play.classList.contains('hidden')
            && !(figure && figure.dataset.run === 'none');

        const state = {pre, key, hash, source, editor: existing, timer: null};

        // The bar above the block: share link, edit status, Reset, notice.
        const tools = document.createElement('div');
        tools.className = 'listing-tools';
        const status = document.createElement('span');
        status.className = 'listing-edit-status';
        status.setAttribute('aria-live', 'polite');
        const reset = button('Reset to the book\u2019s version', 'listing-reset');
        reset.setAttribute('aria-label', 'Reset ' + label + ' to the book\u2019s version');
        reset.hidden = true;
        let link = null;
        if (runnable) {
            link = document.createElement('a');
            link.className = 'listing-play-link';
            link.target = '_blank';
            link.rel = 'noopener';
            link.textContent = 'Open in play.rust-lang.org';
            // The visible text first: the name a speech user says must work.
            link.setAttribute('aria-label', 'Open in play.rust-lang.org: ' + label);
            link.href = playgroundUrl(source, edition);
            tools.append(link);
        }
        tools.append(status, reset);
        pre.before(tools);

        function current() {
            return state.editor ? state.editor.getValue() : source;
        }

        function refresh(message) {
            const edited = current() !== source;
            reset.hidden = !edited;
            tools.dataset.edited = String(edited);
            status.textContent = message !== undefined ? message : (edited ? 'Edited' + (store ? ', saved in this browser.' : '.') : '');
            if (link) {
                link.href = playgroundUrl(current(), edition);
            }
        }

        function save() {
            clearTimeout(state.timer);
            state.timer = null;
            pending.delete(state);
            if (!store || !state.editor) {
                return;
            }
            const text = state.editor.getValue();
            try {
                if (text === source) {
                    store.removeItem(key);
                } else {
                    store.setItem(key, savedEditJson(hash, text, new Date().toISOString()));
                }
            } catch (error) {
                refresh('Your edit could not be saved in this browser (' + error.name + ').');
            }
        }
        state.save = save;

        function watch(editor) {
            if (state.editor === editor && state.watching) {
                return;
            }
            state.editor = editor;
            state.watching = true;
            editor.on('change', () => {
                refresh();
                clearTimeout(state.timer);
                pending.add(state);
                state.timer = setTimeout(save, EDIT_SAVE_DELAY_MS);
            });
            refresh();
        }

        function editor() {
            if (!state.editor) {
                state.editor = window.bookPlayground.makeEditable(pre, {focus: false});
            }
            watch(state.editor);
            return state.editor;
        }

        pre.addEventListener('book-editor', event => watch(event.detail.editor));
        if (existing) {
            watch(existing);
        }

        reset.addEventListener('click', () => {
            const e = editor();
            clearTimeout(state.timer);
            e.setValue(source, -1);
            save();
            refresh('Back to the book\u2019s version; your edit is forgotten.');
            e.focus();
        });

        const saved = read(key);
        const action = savedEditAction(saved, hash, source);
        const canEdit = Boolean(window.ace && window.bookPlayground && window.bookPlayground.makeEditable);
        if (action === 'restore' && canEdit) {
            editor().setValue(saved.code, -1);
            refresh();
        } else if (action === 'ask' && canEdit) {
            ask(saved);
        }

        // The book changed this listing after the reader edited it: say so,
        // and offer both. Until the reader chooses, the block shows the
        // book's new version and cannot be edited, so neither is lost.
        function ask(saved) {
            const notice = document.createElement('div');
            notice.className = 'listing-edit-notice';
            notice.setAttribute('role', 'group');
            notice.setAttribute('aria-label', 'Saved edit of ' + label);
            const text = document.createElement('p');
            const when = typeof saved.saved === 'string' ? ' (saved ' + saved.saved.slice(0, 10) + ')' : '';
            text.textContent = 'Your edit' + when + ' was made on an older version of this listing. '
                + 'The block shows the book\u2019s new version.';
            const keep = button('Keep my edit', 'listing-keep-edit');
            const drop = button('Use the new version', 'listing-use-new');
            notice.append(text, keep, drop);
            tools.after(notice);
            const edit = pre.querySelector('.edit-button');
            if (edit) {
                edit.hidden = true;
            }
            if (state.editor) {
                state.editor.setReadOnly(true);
            }
            const done = () => {
                notice.remove();
                if (edit) {
                    edit.hidden = false;
                }
                if (state.editor) {
                    state.editor.setReadOnly(false);
                }
            };
            keep.addEventListener('click', () => {
                done();
                editor().setValue(saved.code, -1);
                save(); // now an edit of the new version
                refresh('Your edit is back in the block.');
                reset.focus();
            });
            drop.addEventListener('click', () => {
                done();
                try {
                    store.removeItem(key);
                } catch (_) {
                    // nothing saved to forget
                }
                refresh('The block shows the book\u2019s new version; your old edit is forgotten.');
                (link || pre).focus();
            });
        }
    }

    document.querySelectorAll('pre.playground').forEach(setUp);

    // Saving does not wait for the page to close, but a change typed in the
    // last instant is not left behind either.
    window.addEventListener('pagehide', () => Array.from(pending).forEach(state => state.save()));
})();
