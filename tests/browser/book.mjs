// What the browser test files share: where the repository is, which
// browser runs them and with which flags, and the book's server when a file
// runs alone. (Not a test file: `node --test` runs only `*.test.mjs`.)

import {spawn} from 'node:child_process';
import {fileURLToPath} from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Debian's chromium; playwright-core never downloads a browser of its own.
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function isLocal(url) {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

let server = null;

// The book's address: the server `cargo xtask test` started (BOOK_URL), or
// one this process starts with `cargo xtask serve --snapshot` when a file
// runs alone (`npm test`); `stopServer` ends that one.
export function bookUrl() {
    if (process.env.BOOK_URL) {
        return Promise.resolve(process.env.BOOK_URL);
    }
    return new Promise((resolve, reject) => {
        server = spawn('cargo', ['xtask', 'serve', '--port', '0', '--snapshot'], {
            cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        server.stdout.on('data', chunk => {
            out += chunk;
            const m = out.match(/serving the book at (http:\/\/127\.0\.0\.1:\d+)\//);
            if (m) {
                resolve(m[1]);
            }
        });
        server.on('exit', code => reject(new Error('cargo xtask serve exited with ' + code + ':\n' + out)));
    });
}

export function stopServer() {
    if (server) {
        process.kill(-server.pid, 'SIGTERM');
        server = null;
    }
}
