import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

function openLineSerials() {
    return {
        content: "Open the line's serials",
        trigger: ".o_field_x2many_list button[name='action_open_serial_entry']",
        run: "click",
    };
}

function post(stateLabel = "Posted") {
    return [
        {
            content: "Post",
            trigger: "button[name='action_post']:visible",
            run: "click",
        },
        {
            content: "The document is posted",
            trigger: `.o_statusbar_status button.o_arrow_button_current:contains('${stateLabel}')`,
        },
    ];
}

tours.add("serial_tracking_bill_tour", {
    steps: () => [
        openLineSerials(),
        {
            content: "Paste five serials as a span",
            trigger: ".modal div[name='paste_text'] textarea",
            run: "edit ACC-TOUR-01..ACC-TOUR-05",
        },
        {
            content: "Add them",
            trigger: ".modal button[name='action_add_pasted']",
            run: "click",
        },
        {
            content: "Five of five",
            trigger: ".modal div[name='count_label']:contains('(5 / 5)')",
        },
        {
            content: "Confirm",
            trigger: ".modal footer button.btn-primary[name='action_confirm']",
            run: "click",
        },
        {
            content: "The line shows its serials",
            trigger: "body:not(:has(.modal)) td[name='serial_display']:contains('ACC-TOUR-01 – ACC-TOUR-05 (5) (5 / 5)')",
        },
        ...post(),
    ],
});

tours.add("serial_tracking_invoice_tour", {
    steps: () => [
        openLineSerials(),
        {
            content: "Choose from the units in stock",
            trigger: ".modal a[role='tab']:contains('Choose from Stock')",
            run: "click",
        },
        {
            content: "Auto-select the two received first",
            trigger: ".modal button[name='action_auto_select']",
            run: "click",
        },
        {
            content: "Two of two selected",
            trigger: ".modal div[name='count_label']:contains('(2 / 2)')",
        },
        {
            content: "Confirm",
            trigger: ".modal footer button.btn-primary[name='action_confirm']",
            run: "click",
        },
        {
            content: "The line shows its serials",
            trigger: "body:not(:has(.modal)) td[name='serial_display']:contains('(2 / 2)')",
        },
        ...post(),
    ],
});

tours.add("serial_tracking_credit_note_tour", {
    steps: () => [
        openLineSerials(),
        {
            content: "Scan the returned unit",
            trigger: ".modal div[name='paste_text'] textarea",
            run: "edit ACC-TOUR-02",
        },
        {
            content: "Add it",
            trigger: ".modal button[name='action_add_pasted']",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal footer button.btn-primary[name='action_confirm']",
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal)) td[name='serial_display']:contains('(1 / 1)')",
        },
        ...post(),
    ],
});

tours.add("serial_tracking_product_history_tour", {
    steps: () => [
        {
            content: "Open the product's Serial History",
            trigger: "button[name='action_open_serial_history']",
            run: "click",
        },
        {
            content: "The bill row is there",
            trigger: ".o_list_view tr.o_data_row:has(td:contains('ACC-TOUR-05')) td:contains('Vendor Bill')",
        },
        {
            content: "The invoice row",
            trigger: ".o_list_view tr.o_data_row:has(td:contains('ACC-TOUR-02')) td:contains('Customer Invoice')",
        },
        {
            content: "The credit note row, and its document opens in one click",
            trigger: ".o_list_view tr.o_data_row:has(td:contains('Customer Credit Note')) button[name='action_open_document']",
            run: "click",
        },
        {
            content: "The credit note is shown",
            trigger: ".o_form_view .o_field_widget[name='move_type']:contains('Credit Note'), .o_form_view .o_breadcrumb:contains('RINV')",
        },
    ],
});
