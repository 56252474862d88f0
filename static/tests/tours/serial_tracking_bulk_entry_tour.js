import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("serial_tracking_bulk_entry_tour", {
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
            run: "edit 6",
        },
        {
            content: "Paste a list with a span",
            trigger: ".modal div[name='paste_text'] textarea",
            run: "edit T-1, T-2; SPAN-01..SPAN-03",
        },
        {
            content: "Add them to the entry",
            trigger: ".modal button[name='action_add_pasted']",
            run: "click",
        },
        {
            content: "Five are entered, the span shown as a range and announced",
            trigger: ".modal:has(div[name='serials_display']:contains('SPAN-01 – SPAN-03 (3)')):has(div[name='last_message']:contains('SPAN-01..SPAN-03 read as a span of 3 serials')) div[name='count_label']:contains('(5 / 6)')",
        },
        {
            content: "Turn Read ranges off",
            trigger: ".modal div[name='read_ranges'] input:checked",
            run: "click",
        },
        {
            content: "Paste a serial shaped like a span",
            trigger: ".modal div[name='paste_text'] textarea",
            run: "edit 2024-5000",
        },
        {
            content: "Add it",
            trigger: ".modal button[name='action_add_pasted']",
            run: "click",
        },
        {
            content: "It is one serial: six of six",
            trigger: ".modal:has(div[name='serials_display']:contains('2024-5000')) div[name='count_label']:contains('(6 / 6)')",
        },
        {
            content: "Confirm",
            trigger: ".modal footer button.btn-primary[name='action_confirm']",
            run: "click",
        },
        {
            content: "The serials are on the product",
            trigger: "body:not(:has(.modal)) div[name='serial_tab_ids'] td:contains('SPAN-03')",
        },
    ],
});
