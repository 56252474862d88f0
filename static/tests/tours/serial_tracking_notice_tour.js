// Copyright 2026 serial_tracking authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { registry } from "@web/core/registry";
import { inputFiles } from "@web/../tests/utils";
import {
    askForScreenshot,
    waitForScreenshot,
    wedgeScan,
} from "@serial_tracking/../tests/tours/serial_tracking_tour_helpers";

// The pallet and its two cartons (NOTICE_SSCC, tests/common.py).
const PALLET = "095060001000000012";
const CARTON_A = "095060001000000029";
const CARTON_B = "095060001000000036";

// The vendor's notice: six units of the product TOUR-NOTICE, three in each
// carton of the pallet (ShippingNoticeTourCase, tests/common.py).
const NOTICE = [
    "Serial,SKU,Carton,Pallet",
    ...[1, 2, 3, 4, 5, 6].map(
        (n) => `TOUR-NT-${n},TOUR-NOTICE,${n <= 3 ? CARTON_A : CARTON_B},${PALLET}`
    ),
].join("\n");

function dialogSays(counter, packages, extra = "") {
    return `.modal:has(div[name='count_label']:contains('(${counter})')) div[name='package_summary']:contains('${packages}')${extra}`;
}

registry.category("web_tour.tours").add("serial_tracking_notice_tour", {
    steps: () => [
        {
            content: "Import the vendor's shipping notice",
            trigger: ".o_form_view button[name='action_import_serial_notice']",
            run: "click",
        },
        {
            content: "Upload the notice",
            trigger: ".modal div[name='notice_file'] .o_select_file_button",
            async run() {
                const file = new File([NOTICE], "notice.csv", { type: "text/csv" });
                await inputFiles(".modal div[name='notice_file'] input.o_input_file", [file]);
            },
        },
        {
            content: "The file is read into the dialog",
            trigger: ".modal div[name='notice_file'] input.o_input",
            run() {
                if (this.anchor.value !== "notice.csv") {
                    throw new Error(`The dialog holds ${this.anchor.value}, not notice.csv`);
                }
            },
        },
        {
            content: "Preview",
            trigger: ".modal footer button[name='action_preview']",
            run: "click",
        },
        {
            content: "The preview shows the columns read and the cartons in the pallet",
            trigger: `.modal div[name='preview']:contains('Carton SSCC ← Carton'):contains('${CARTON_B} in ${PALLET}: 3 units')`,
        },
        {
            content: "Import",
            trigger: ".modal footer button[name='action_import']",
            run: "click",
        },
        {
            content: "The receipt has its notice",
            trigger: "body:not(:has(.modal)) .o_form_view button[name='action_view_serial_notice_units']",
        },
        {
            content: "Open the move's serials",
            trigger: ".o_field_x2many_list button[name='action_open_serial_entry']",
            run: "click",
        },
        {
            content: "The dialog opens with the six units announced",
            trigger: dialogSays("6 / 6", `${PALLET}: 2 cartons, 6 announced, 6 entered`),
        },
        {
            content: "Start from an empty entry, to receive what is scanned",
            trigger: ".modal footer button[name='action_clear']",
            run: "click",
        },
        {
            content: "Nothing entered yet",
            trigger: dialogSays("0 / 6", `${PALLET}: 2 cartons, 6 announced, 0 entered`),
        },
        {
            content: "Scan the first carton's label, GS1-128 with its brackets",
            trigger: ".modal .o_serial_scan",
            run: wedgeScan(`(00)${CARTON_A}`),
        },
        {
            content: "Its three units are entered, the other carton's not",
            trigger: dialogSays(
                "3 / 6",
                `${CARTON_A}: 3 announced, 3 entered`,
                `:contains('${CARTON_B}: 3 announced, 0 entered')` +
                    `:contains('${PALLET}: 2 cartons, 6 announced, 3 entered')`
            ),
        },
        {
            content: "The units entered are the first carton's",
            trigger: ".modal div[name='serials_display']:contains('TOUR-NT-3'):not(:contains('TOUR-NT-4'))",
            run() {
                this.anchor.closest(".modal").querySelector("div[name='package_summary']").scrollIntoView({ block: "center" });
                askForScreenshot("serial_notice_packages");
            },
        },
        waitForScreenshot,
        {
            content: "Scan the second carton's label, raw from a GS1-128 scanner",
            trigger: ".modal .o_serial_scan",
            run: wedgeScan(`00${CARTON_B}`),
        },
        {
            content: "The pallet is entered whole",
            trigger: dialogSays(
                "6 / 6",
                `${PALLET}: 2 cartons, 6 announced, 6 entered`,
                `:contains('${CARTON_B}: 3 announced, 3 entered')`
            ),
        },
        {
            content: "All six units, the second carton's too",
            trigger: ".modal div[name='serials_display']:contains('TOUR-NT-1'):contains('TOUR-NT-6')",
        },
        {
            content: "Confirm",
            trigger: ".modal footer button.btn-primary[name='action_confirm']",
            run: "click",
        },
        {
            content: "Validate the receipt",
            trigger: "body:not(:has(.modal)) button[name='button_validate']:visible",
            run: "click",
        },
        {
            content: "Done",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Done')",
        },
    ],
});
