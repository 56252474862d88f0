// Copyright 2026 serial_tracking authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { Component, onMounted, onWillUnmount, useRef, useState } from "@odoo/owl";
import {
    BarcodeVideoScanner,
    isBarcodeScannerSupported,
} from "@web/core/barcode/barcode_video_scanner";
import { browser } from "@web/core/browser/browser";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useBus, useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

// A code kept in the frame is read again at every detection; it counts once
// until it has been out of sight this long.
const SAME_CODE_GAP_MS = 1000;
// The barcodes module's own command barcodes (click a button, save...).
const ODOO_COMMAND_BARCODE = /^O(BT|CD)/;
// How long the last scan stays visible before the view closes on its own.
const CLOSE_DELAY_MS = 800;

/**
 * Scanning into a dialog whose model has ``scan_code(code)`` (the serial
 * entry dialog, Add Serial): the camera, kept open, and a keyboard-wedge
 * scanner wherever the focus is outside a text field. Every code goes to the
 * server, which reads it with the dialog's own parsing and adds it or says
 * why not; nothing is parsed here.
 */
export class SerialScanWidget extends Component {
    static template = "serial_tracking.SerialScanWidget";
    static components = { BarcodeVideoScanner };
    static props = { ...standardWidgetProps };

    setup() {
        this.orm = useService("orm");
        this.ui = useService("ui");
        this.notification = useService("notification");
        this.root = useRef("root");
        this.state = useState({
            cameraOpen: false,
            lastCode: "",
            status: "",
            message: "",
            entered: 0,
            required: 0,
            log: [],
        });
        this.cameraSupported = isBarcodeScannerSupported();
        this.queue = Promise.resolve();
        this.lastCode = null;
        this.lastSeenAt = 0;
        this.audio = null;
        const barcode = this.env.services.barcode;
        if (barcode) {
            useBus(barcode.bus, "barcode_scanned", (ev) => this.onWedgeScan(ev.detail.barcode));
        }
        onMounted(() => {
            // opened by a Scan with Camera button (a count's)
            if (this.props.record.context.serial_scan_camera && this.cameraSupported) {
                this.openCamera();
            }
        });
        onWillUnmount(() => this.audio?.close());
    }

    get counter() {
        const { entered, required } = this.state;
        return required ? `${entered} / ${required}` : `${entered}`;
    }

    /** The dialog holding this widget is the one in front. */
    isInFront() {
        const el = this.root.el;
        return Boolean(el && this.ui.activeElement && this.ui.activeElement.contains(el));
    }

    async openCamera() {
        // sounds need a context made on a user's gesture
        this.audio = this.audio || new browser.AudioContext();
        // the dialog's own values (a quantity typed) go first, once
        if (!(await this.props.record.save())) {
            return;
        }
        const data = this.props.record.data;
        Object.assign(this.state, {
            cameraOpen: true,
            lastCode: "",
            status: "",
            message: "",
            log: [],
            entered: data.entered_count ?? data.scanned_count ?? 0,
            required: data.open_count ? 0 : data.required_count || 0,
        });
        this.lastCode = null;
    }

    closeCamera() {
        this.state.cameraOpen = false;
    }

    onCameraError(error) {
        this.state.cameraOpen = false;
        this.notification.add(error.message, { type: "danger" });
    }

    onCameraResult(code) {
        const now = performance.now();
        const sameCode = code === this.lastCode && now - this.lastSeenAt < SAME_CODE_GAP_MS;
        this.lastCode = code;
        this.lastSeenAt = now;
        if (!sameCode) {
            this.enqueue(code, now);
        }
    }

    onWedgeScan(code) {
        // Odoo's command barcodes (OBT..., OCD...) are the barcodes module's
        if (this.isInFront() && !ODOO_COMMAND_BARCODE.test(code)) {
            this.enqueue(code, performance.now());
        }
    }

    /** Codes are sent one after the other, in the order they were read. */
    enqueue(code, readAt) {
        this.queue = this.queue.then(() => this.send(code, readAt)).catch((error) => {
            this.notification.add(error.message || String(error), { type: "danger" });
        });
    }

    async send(code, readAt) {
        const record = this.props.record;
        // values changed since (with the camera closed, a wedge scan)
        if (!(await record.save())) {
            return;
        }
        const result = await this.orm.call(record.resModel, "scan_code", [[record.resId], code]);
        Object.assign(this.state, {
            lastCode: code,
            status: result.status,
            message: result.message,
            entered: result.entered,
            required: result.required,
        });
        this.feedback(result.status);
        // the outcome is on screen once the browser has painted it
        await new Promise((resolve) => browser.requestAnimationFrame(() => resolve()));
        this.state.log.unshift({
            code,
            status: result.status,
            readAt: Math.round(readAt),
            shownAt: Math.round(performance.now()),
        });
        if (result.done && this.state.cameraOpen) {
            browser.setTimeout(() => this.closeCamera(), CLOSE_DELAY_MS);
        }
        // then the dialog's list and counter under the camera's view
        await record.load();
    }

    /** A short beep and a buzz for a unit added; two low beeps otherwise. */
    feedback(status) {
        const added = status === "added";
        if ("vibrate" in browser.navigator) {
            browser.navigator.vibrate(added ? 80 : [60, 60, 60]);
        }
        if (!this.audio) {
            return;
        }
        const tones = added ? [[1320, 0]] : [[330, 0], [330, 0.16]];
        for (const [frequency, start] of tones) {
            const oscillator = this.audio.createOscillator();
            const gain = this.audio.createGain();
            oscillator.frequency.value = frequency;
            gain.gain.value = 0.2;
            oscillator.connect(gain).connect(this.audio.destination);
            const at = this.audio.currentTime + start;
            oscillator.start(at);
            oscillator.stop(at + 0.1);
        }
    }

    statusLabel(status) {
        return {
            added: _t("Added"),
            duplicate: _t("Already scanned"),
            refused: _t("Not added"),
        }[status];
    }
}

export const serialScanWidget = {
    component: SerialScanWidget,
};

registry.category("view_widgets").add("serial_scan", serialScanWidget);
