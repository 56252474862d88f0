import { registry } from "@web/core/registry";

// A scanner sends the group separator (FNC1) between the variable-length
// elements of a GS1 code.
const GS = "\u001d";

// What a scanner or a paste does: the whole text at once (typed key by key,
// the tour's keyboard drops a leading parenthesis).
function paste(text) {
    return ({ anchor }) => {
        anchor.value = text;
        anchor.dispatchEvent(new Event("input", { bubbles: true }));
        anchor.dispatchEvent(new Event("change", { bubbles: true }));
    };
}

registry.category("web_tour.tours").add("serial_tracking_gs1_tour", {
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
            run: "edit 2",
        },
        {
            content: "Scan a GS1 code of another product",
            trigger: ".modal div[name='paste_text'] textarea",
            run: paste("(01)04012345000016(21)GS-0009"),
        },
        {
            content: "Add it",
            trigger: ".modal button[name='action_add_pasted']",
            run: "click",
        },
        {
            content: "The dialog says the code is for another product",
            trigger: ".modal:contains('is for the product with GTIN 04012345000016, not for Tour Scanner')",
        },
        {
            content: "Close the message",
            trigger: ".modal:contains('is for the product with GTIN') .modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "Scan two codes of this product, printed and raw",
            trigger: ".modal div[name='paste_text'] textarea",
            run: paste(`(01)09506000134352(21)GS-0001\n]d20109506000134352` + `21GS-0002${GS}10LOT7`),
        },
        {
            content: "Add them",
            trigger: ".modal button[name='action_add_pasted']",
            run: "click",
        },
        {
            content: "Their serials are entered: two of two",
            trigger: ".modal:has(div[name='serials_display']:contains('GS-0002')) div[name='count_label']:contains('(2 / 2)')",
        },
        {
            content: "Confirm",
            trigger: ".modal footer button.btn-primary[name='action_confirm']",
            run: "click",
        },
        {
            content: "The serials are on the product",
            trigger: "body:not(:has(.modal)) div[name='serial_tab_ids'] td:contains('GS-0001')",
        },
    ],
});
