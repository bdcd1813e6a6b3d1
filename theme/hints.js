// Progressive hints under an exercise's starter listing. The preprocessor
// (xtask/src/hints.rs) writes each `section.hints` with its hints `hidden`;
// this adds one real button per section, "Show hint 1 of 3", that reveals
// the next hint and moves the focus to it (so a screen reader reads it),
// then names the one after. Nothing else: no storage, no network.
(function () {
    'use strict';

    function setUp(section) {
        const hints = Array.from(section.querySelectorAll('.hint'));
        if (hints.length === 0) {
            return;
        }
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'hints-next';
        let shown = hints.filter(hint => !hint.hidden).length;
        const label = () => {
            button.textContent = `Show hint ${shown + 1} of ${hints.length}`;
            button.hidden = shown >= hints.length;
        };
        button.addEventListener('click', () => {
            if (shown >= hints.length) {
                return;
            }
            const hint = hints[shown];
            hint.hidden = false;
            shown += 1;
            label();
            hint.focus();
        });
        label();
        section.appendChild(button);
    }

    document.querySelectorAll('section.hints').forEach(setUp);
})();
