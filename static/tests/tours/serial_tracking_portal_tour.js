import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("serial_tracking_portal_claim_tour", {
    steps: () => [
        {
            content: "Open My Serials from the portal home",
            trigger: ".o_portal_index_card a[href='/my/serials']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Open the unit",
            trigger: ".o_serial_row a:contains('PA-1')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The unit is under warranty",
            trigger: ".o_serial_unit .badge:contains('Under warranty')",
        },
        {
            content: "Say what is wrong",
            trigger: "#claim_reason",
            run: "edit Screen flickers",
        },
        {
            content: "Give details",
            trigger: "#claim_notes",
            run: "edit Only when the lid is half open",
        },
        {
            content: "Send the claim",
            trigger: ".o_claim_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The claim is received",
            trigger: ".o_claim_sent",
        },
        {
            content: "It is listed as New",
            trigger: ".o_serial_claim_row:contains('Screen flickers'):contains('New')",
        },
    ],
});
