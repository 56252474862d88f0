import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("serial_tracking_claim_tour", {
    steps: () => [
        {
            content: "New claim",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Choose the sold unit",
            trigger: ".o_field_widget[name='lot_id'] input",
            run: "edit TC-2",
        },
        {
            content: "Pick it",
            trigger: ".o-autocomplete--dropdown-item a:contains('TC-2')",
            run: "click",
        },
        {
            content: "The customer is the one who bought it",
            trigger: ".o_field_widget[name='partner_id'] input:value('Tour Claim Customer')",
        },
        {
            content: "Under warranty",
            trigger: ".o_field_widget[name='warranty_status']:contains('Under warranty')",
        },
        {
            content: "Say what is wrong",
            trigger: ".o_field_widget[name='reason'] input",
            run: "edit Fan noise",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Accept",
            trigger: ".o_form_saved button[name='action_accept']",
            run: "click",
        },
        {
            content: "The credit note opens with that one serial",
            trigger: ".o_form_view td[name='serial_display']:contains('TC-2 (1 / 1)')",
        },
    ],
});
