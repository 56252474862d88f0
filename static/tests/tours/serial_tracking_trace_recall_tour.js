import { registry } from "@web/core/registry";

// Both start from lists: reading a serial's form makes stock_account write
// the unit's average cost, which a browser's read-only request logs as an error.
registry.category("web_tour.tours").add("serial_tracking_trace_tour", {
    steps: () => [
        {
            content: "Trace the unit from its invoice's history row",
            trigger: ".o_list_view tr.o_data_row:has(td:contains('TRACE-TOUR-1')):has(td:contains('Customer Invoice')) button[name='action_serial_trace']",
            run: "click",
        },
        {
            content: "Upstream: the vendor's bill",
            trigger: ".o_list_view tr.o_data_row:has(td:contains('Upstream')):has(td:contains('Tour Trace Vendor'))",
        },
        {
            content: "Downstream: the customer's invoice; open it",
            trigger: ".o_list_view tr.o_data_row:has(td:contains('Downstream')):has(td:contains('Tour Trace Customer')) button[name='action_open_document']",
            run: "click",
        },
        {
            content: "The invoice opens",
            trigger: ".o_form_view .o_field_widget[name='partner_id']:contains('Tour Trace Customer')",
        },
    ],
});

registry.category("web_tour.tours").add("serial_tracking_recall_tour", {
    steps: () => [
        {
            content: "Select the unit in the serial list",
            trigger: ".o_list_view tr.o_data_row:has(td:contains('TRACE-TOUR-1')) .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Open the Actions menu",
            trigger: ".o_control_panel .o_cp_action_menus button:contains('Actions')",
            run: "click",
        },
        {
            content: "Recall",
            trigger: ".o-dropdown--menu .o-dropdown-item:contains('Recall')",
            run: "click",
        },
        {
            content: "The dialog counts one unit, one customer",
            trigger: ".modal:has(div[name='customer_count']:contains('1')) div[name='unit_count']:contains('1')",
        },
        {
            content: "Show the units",
            trigger: ".modal button[name='action_show_units']",
            run: "click",
        },
        {
            content: "Grouped by customer",
            trigger: ".o_list_view .o_group_name:contains('Tour Trace Customer (1)')",
        },
    ],
});
