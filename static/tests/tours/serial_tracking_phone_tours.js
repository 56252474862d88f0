import { registry } from "@web/core/registry";
import {
    askForScreenshot,
    waitForScreenshot,
} from "@serial_tracking/../tests/tours/serial_tracking_tour_helpers";

// Whether the screen fits a phone: nothing scrolls sideways (the page, the
// dialog, the form, a list), and every button shown is within the screen.
// Then the test takes a screenshot named `name`.
function fitsThePhone(name, scroll = false) {
    return ({ anchor }) => {
        if (scroll) {
            anchor.scrollIntoView({ block: "center" });
        }
        const width = window.innerWidth;
        // a dialog covers the page: what is under it does not count
        const dialogs = document.querySelectorAll(".modal");
        const screen = dialogs[dialogs.length - 1] || document;
        const scrollers = [
            document.documentElement,
            ...screen.querySelectorAll(".modal-body, .o_content, .o_form_sheet, .o_list_renderer"),
        ];
        for (const el of scrollers) {
            if (el.scrollWidth > el.clientWidth + 1) {
                throw new Error(
                    `${el.className || el.tagName} scrolls sideways on a ${width}px screen: ` +
                        `${el.scrollWidth}px wide for ${el.clientWidth}px`
                );
            }
        }
        for (const button of screen.querySelectorAll(".modal-footer button, .o_form_statusbar button")) {
            const box = button.getBoundingClientRect();
            if (box.width && (box.left < 0 || box.right > width + 1)) {
                throw new Error(`The button ${button.textContent.trim()} is off the screen`);
            }
        }
        askForScreenshot(name);
    };
}

registry.category("web_tour.tours").add("serial_tracking_phone_entry_tour", {
    steps: () => [
        {
            content: "Open the Serials tab",
            trigger: ".o_notebook_headers a:contains('Serials')",
            run: "click",
        },
        {
            content: "Add many serials at once",
            trigger: "button[name='action_add_serials_bulk']",
            run: "click",
        },
        {
            content: "Say how many units come in",
            trigger: ".modal div[name='required_count'] input",
            run: "edit 5",
        },
        {
            content: "Paste a few serials",
            trigger: ".modal div[name='paste_text'] textarea",
            run: "edit PH-0001, PH-0002, PH-0003, PH-0004, PH-0005",
        },
        {
            content: "Add them",
            trigger: ".modal button[name='action_add_pasted']",
            run: "click",
        },
        {
            content: "The dialog fits the phone",
            trigger: ".modal:has(div[name='count_label']:contains('(5 / 5)')) .o_serial_scan_camera",
            run: fitsThePhone("serial_entry_phone"),
        },
        waitForScreenshot,
        {
            content: "Confirm",
            trigger: ".modal footer button.btn-primary[name='action_confirm']",
            run: "click",
        },
        {
            content: "The serials are on the product",
            trigger: "body:not(:has(.modal)) .o_form_view",
        },
    ],
});

registry.category("web_tour.tours").add("serial_tracking_phone_count_tour", {
    steps: () => [
        {
            content: "The count fits the phone, its serials as cards",
            trigger: ".o_form_view div[name='line_ids'] .o_kanban_record:contains('PH-0999')",
            run: fitsThePhone("serial_count_phone", true),
        },
        waitForScreenshot,
    ],
});

registry.category("web_tour.tours").add("serial_tracking_phone_unit_tour", {
    steps: () => [
        {
            content: "The unit's form fits the phone",
            trigger: ".o_form_view div[name='history_ids'] .o_kanban_record",
            run: fitsThePhone("serial_unit_phone"),
        },
        waitForScreenshot,
    ],
});
