import { registry } from "@web/core/registry";
import { wedgeScan } from "@serial_tracking/../tests/tours/serial_tracking_tour_helpers";

// The seconds at which the fake camera's video shows each code
// (tests/test_camera_tours.py), and what each says.
const SCHEDULE = [
    [1.0, "CAM-0001"],
    [3.5, "CAM-0002"],
    [6.0, "CAM-0003"],
    [8.5, "CAM-0001"],
];

// The time at which the camera's video started (its first frame, captured
// when the file's first frame played), taken from the video element.
let videoStart = null;

function timeTheVideo() {
    return () => {
        const video = document.querySelector(".o_serial_scan_view video");
        video.requestVideoFrameCallback((now, frame) => {
            videoStart = frame.captureTime ?? now;
        });
    };
}

// Time from each code appearing in the frame to its outcome on screen, and
// from its reading to its outcome, from the times the scanning view keeps
// (performance.now()).
function logLatencies() {
    const scans = [...document.querySelectorAll(".o_serial_scan_log li")].reverse();
    const latencies = SCHEDULE.map(([second, serial], index) => {
        const { readAt, shownAt } = scans[index].dataset;
        const appeared = videoStart + second * 1000;
        return (
            `${serial} ${Math.round(shownAt - appeared)} ms ` +
            `(read to shown ${Math.round(shownAt - readAt)} ms)`
        );
    });
    console.info(`serial_tracking camera latency (frame to dialog): ${latencies.join(", ")}`);
}

function scanned(status, serial, counter) {
    return {
        content: `The camera view says ${serial}: ${status}, ${counter}`,
        trigger: `.o_serial_scan_view:has(.o_serial_scan_counter:contains('${counter}')) .o_serial_scan_last.o_serial_scan_${status}:contains('${serial}')`,
        timeout: 20000,
    };
}

registry.category("web_tour.tours").add("serial_tracking_camera_tour", {
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
            run: "edit 4",
        },
        {
            content: "Scan with the camera",
            trigger: ".modal .o_serial_scan_camera",
            run: "click",
        },
        {
            content: "Note when the video starts",
            trigger: ".o_serial_scan_view video",
            run: timeTheVideo(),
        },
        scanned("added", "CAM-0001", "1 / 4"),
        scanned("added", "CAM-0002", "2 / 4"),
        scanned("added", "CAM-0003", "3 / 4"),
        scanned("duplicate", "CAM-0001", "3 / 4"),
        {
            content: "Log how long each code took to reach the dialog",
            trigger: ".o_serial_scan_log li:nth-child(4)[data-shown-at]",
            run: logLatencies,
        },
        {
            content: "Close the camera",
            trigger: ".o_serial_scan_close",
            run: "click",
        },
        {
            content: "The dialog lists the three serials",
            trigger: ".modal:not(:has(.o_serial_scan_view)) div[name='count_label']:contains('(3 / 4)')",
        },
        {
            content: "A wedge scanner types the fourth, the focus outside the text area",
            trigger: ".modal div[name='paste_text'] textarea",
            run: wedgeScan("CAM-0004"),
        },
        {
            content: "It is added at once: four of four",
            trigger: ".modal:has(div[name='serials_display']:contains('CAM-0004')) div[name='count_label']:contains('(4 / 4)')",
        },
        {
            content: "Confirm",
            trigger: ".modal footer button.btn-primary[name='action_confirm']",
            run: "click",
        },
        {
            content: "The serials are on the product",
            trigger: "body:not(:has(.modal)) div[name='serial_tab_ids'] td:contains('CAM-0004')",
        },
    ],
});

registry.category("web_tour.tours").add("serial_tracking_camera_quantity_tour", {
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
            content: "Two units come in",
            trigger: ".modal div[name='required_count'] input",
            run: "edit 2",
        },
        {
            content: "Scan with the camera",
            trigger: ".modal .o_serial_scan_camera",
            run: "click",
        },
        scanned("added", "CAM-0001", "1 / 2"),
        {
            content: "The second code read, the view closes by itself: the quantity is reached",
            trigger: ".modal:not(:has(.o_serial_scan_view)) div[name='count_label']:contains('(2 / 2)')",
            timeout: 20000,
        },
        {
            content: "Confirm",
            trigger: ".modal footer button.btn-primary[name='action_confirm']",
            run: "click",
        },
        {
            content: "The serials are on the product",
            trigger: "body:not(:has(.modal)) div[name='serial_tab_ids'] td:contains('CAM-0002')",
        },
    ],
});

registry.category("web_tour.tours").add("serial_tracking_camera_count_tour", {
    steps: () => [
        {
            content: "Scan with the camera on the count",
            trigger: ".o_form_view button[name='action_scan_camera']",
            run: "click",
        },
        scanned("added", "CAM-0001", "1"),
        scanned("added", "CAM-0002", "2"),
        {
            content: "Close the camera",
            trigger: ".o_serial_scan_close",
            run: "click",
        },
        {
            content: "The scans are saved in the count",
            trigger: ".modal:not(:has(.o_serial_scan_view)) div[name='count_label']:contains('(2)')",
        },
        {
            content: "Close the dialog",
            trigger: ".modal footer button.btn-secondary:contains('Cancel')",
            run: "click",
        },
        {
            content: "Back on the count",
            trigger: "body:not(:has(.modal)) .o_form_view button[name='action_scan_camera']",
        },
    ],
});
