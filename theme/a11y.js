// Accessibility fixes to mdBook's own page that its template leaves to us
// (tests/browser/a11y.test.mjs runs axe-core on the result):
//
// - The sidebar's menu button is a <label> with aria-expanded, which a
//   label may not carry, and the keyboard cannot reach it. It becomes a
//   button: role, a place in the tab order, Enter and Space.
// - A code block wider than the page scrolls sideways, which the keyboard
//   can do only if the block can take the focus: such a block gets
//   tabindex="0" (checked again when the window is resized).
(function () {
    'use strict';

    const toggle = document.getElementById('mdbook-sidebar-toggle');
    if (toggle && toggle.tagName === 'LABEL') {
        toggle.setAttribute('role', 'button');
        toggle.tabIndex = 0;
        toggle.addEventListener('keydown', event => {
            if (event.key === 'Enter' || event.key === ' ') {
                event.preventDefault();
                toggle.click();
            }
        });
    }

    function focusableWhenScrolling() {
        document.querySelectorAll('.content pre > code').forEach(code => {
            if (code.closest('.ace_editor')) {
                return; // the editor has its own text area
            }
            if (code.scrollWidth > code.clientWidth) {
                code.tabIndex = 0;
            } else if (code.getAttribute('tabindex') === '0') {
                code.removeAttribute('tabindex');
            }
        });
    }

    focusableWhenScrolling();
    let pending = false;
    window.addEventListener('resize', () => {
        if (!pending) {
            pending = true;
            requestAnimationFrame(() => {
                pending = false;
                focusableWhenScrolling();
            });
        }
    });
})();
