import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

tours.add("serial_tracking_receipt_tour", {
    steps: () => [
        {
            content: "Open the move's serials",
            trigger: ".o_field_x2many_list button[name='action_open_serial_entry']",
            run: "click",
        },
        {
            content: "Generate them",
            trigger: ".modal a[role='tab']:contains('Generate')",
            run: "click",
        },
        {
            content: "Prefix",
            trigger: ".modal div[name='gen_prefix'] input",
            run: "edit PHY-TOUR-",
        },
        {
            content: "How many",
            trigger: ".modal div[name='gen_count'] input",
            run: "edit 3",
        },
        {
            content: "Generate",
            trigger: ".modal button[name='action_generate']",
            run: "click",
        },
        {
            content: "Three of three",
            trigger: ".modal div[name='count_label']:contains('(3 / 3)')",
        },
        {
            content: "Confirm",
            trigger: ".modal footer button.btn-primary[name='action_confirm']",
            run: "click",
        },
        {
            content: "The move shows its serials",
            trigger: "body:not(:has(.modal)) td[name='serial_display']:contains('PHY-TOUR-0001 – PHY-TOUR-0003 (3)')",
        },
        {
            content: "Validate the receipt",
            trigger: "button[name='button_validate']:visible",
            run: "click",
        },
        {
            content: "Done",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Done')",
        },
    ],
});

tours.add("serial_tracking_delivery_tour", {
    steps: () => [
        {
            content: "Open the move's serials",
            trigger: ".o_field_x2many_list button[name='action_open_serial_entry']",
            run: "click",
        },
        {
            content: "Start from an empty selection",
            trigger: ".modal footer button[name='action_clear']",
            run: "click",
        },
        {
            content: "Nothing selected",
            trigger: ".modal div[name='count_label']:contains('(0 / 1)')",
        },
        {
            content: "Scan the unit to deliver",
            trigger: ".modal div[name='paste_text'] textarea",
            run: "edit PHY-TOUR-0002",
        },
        {
            content: "Select it",
            trigger: ".modal button[name='action_select_pasted']",
            run: "click",
        },
        {
            content: "One of one",
            trigger: ".modal div[name='count_label']:contains('(1 / 1)')",
        },
        {
            content: "Confirm",
            trigger: ".modal footer button.btn-primary[name='action_confirm']",
            run: "click",
        },
        {
            content: "Validate the delivery",
            trigger: "body:not(:has(.modal)) button[name='button_validate']:visible",
            run: "click",
        },
        {
            content: "Done",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Done')",
        },
    ],
});

tours.add("serial_tracking_physical_history_tour", {
    steps: () => [
        {
            content: "Open the product's Serial History",
            trigger: "button[name='action_open_serial_history']",
            run: "click",
        },
        {
            content: "The receipt row",
            trigger: ".o_list_view tr.o_data_row:has(td:contains('PHY-TOUR-0001')) td:contains('Received')",
        },
        {
            content: "The delivery row",
            trigger: ".o_list_view tr.o_data_row:has(td:contains('PHY-TOUR-0002')) td:contains('Shipped')",
        },
    ],
});
