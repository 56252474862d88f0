import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("serial_tracking_foundation_tour", {
    steps: () => [
        {
            content: "Open the product's Inventory tab",
            trigger: ".o_notebook_headers a:contains('Inventory')",
            run: "click",
        },
        {
            content: "Switch Track Serials on",
            trigger: "div[name='serial_tracking_enabled'] input[type='checkbox']",
            run: "click",
        },
        {
            content: "The tracking mode appears",
            trigger: "div[name='serial_tracking_mode']",
        },
        {
            content: "Save the product",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Open the Serials tab",
            trigger: ".o_form_saved .o_notebook_headers a:contains('Serials')",
            run: "click",
        },
        {
            content: "Add a serial",
            trigger: "button[name='action_add_serial']",
            run: "click",
        },
        {
            content: "Type its number",
            trigger: ".modal div[name='name'] input",
            run: "edit TOUR-SN-0001",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The serial is listed in the tab, In Stock",
            trigger: "div[name='serial_tab_ids'] tr:has(td:contains('TOUR-SN-0001')) td:contains('In Stock')",
        },
        {
            content: "Open the Serial History",
            trigger: "button[name='action_open_serial_history']",
            run: "click",
        },
        {
            content: "Its row is there",
            trigger: ".o_list_view tr.o_data_row:has(td:contains('TOUR-SN-0001')) td:contains('Inventory Adjustment')",
        },
    ],
});
