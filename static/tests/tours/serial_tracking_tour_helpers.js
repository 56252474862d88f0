// Copyright 2026 serial_tracking authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

// What a keyboard-wedge scanner does: the code's characters typed one right
// after the other, then Enter, wherever the focus is.
export function wedgeScan(code) {
    return () => {
        document.activeElement.blur();
        for (const key of [...code, "Enter"]) {
            document.body.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
        }
    };
}

// The message on which the test captures the page as `name`.png
// (ScreenshotTourCase, tests/common.py).
export function askForScreenshot(name) {
    console.info(`serial_tracking screenshot ${name}`);
}

// the screenshot is taken by the test on the message above, while the tour
// waits
export const waitForScreenshot = {
    content: "Let the screenshot be taken",
    trigger: "body",
    run: () => new Promise((resolve) => setTimeout(resolve, 1500)),
};
