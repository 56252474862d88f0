import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("serial_tracking_count_tour", {
    steps: () => [
        {
            content: "Start scanning the shelf",
            trigger: "button[name='action_start']",
            run: "click",
        },
        {
            content: "Scan what is found there",
            trigger: ".modal div[name='paste_text'] textarea",
            run: "edit TC-1, TC-2, TC-9",
        },
        {
            content: "Add them: they are saved in the count at once",
            trigger: ".modal button[name='action_add_pasted']",
            run: "click",
        },
        {
            content: "Three read and saved",
            trigger: ".modal div[name='last_message']:contains('3 saved in')",
        },
        {
            content: "Confirm: compare with the stock",
            trigger: ".modal footer button.btn-primary[name='action_confirm']",
            run: "click",
        },
        {
            content: "One unit is missing",
            trigger: "body:not(:has(.modal)) .oe_stat_button:has(.o_stat_text:contains('Missing')) .o_stat_value:contains('1')",
        },
        {
            content: "One unit is unexpected",
            trigger: ".oe_stat_button:has(.o_stat_text:contains('Unexpected')) .o_stat_value:contains('1')",
        },
        {
            content: "Apply the count",
            trigger: "button[name='action_apply']",
            run: "click",
        },
        {
            content: "Confirm the adjustment",
            trigger: ".modal footer button.btn-primary",
            run: "click",
        },
        {
            content: "The count is applied",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Applied')",
        },
        {
            content: "Show the serials of the count",
            trigger: ".o_notebook_headers a:contains('Serials')",
            run: "click",
        },
        {
            content: "Open the history of the unexpected unit",
            trigger: "div[name='line_ids'] tr:has(td:contains('TC-9')) button[name='action_open_history']",
            run: "click",
        },
        {
            content: "Its history names the count",
            trigger: ".o_list_view td:contains('Count by Scanning')",
        },
    ],
});
