# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Serial volumes through the web client's own JSON-RPC calls, against an Odoo
started with workers (bench/scale.sh starts it). Each step is the call the
web client makes when a person clicks: ``call_button`` for a button,
``web_save`` for the record's changes before it, ``web_read`` of the record
the returned action shows, with the field specification the client builds
from the view. For every call it prints the seconds, and the CPU seconds and
peak memory of the worker process that served it; it fails when a call
errors, when a worker is killed or recycled, or when a background validation
fails."""

import argparse
import json
import os
import re
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import psycopg2
import requests

# what Odoo logs when it stops a worker (odoo/service/server.py)
KILL_PATTERNS = re.compile(
    r"CPU time limit|virtual memory limit|timeout after \d+s|"
    r"Exception occurred, exiting|max age .* reached|Worker \(\d+\) .* reached"
)
# what the addon logs for each step of a background validation
# (stock.picking._serial_log_step)
BACKGROUND_STEP = re.compile(
    r"Background validation of (?P<transfer>\S+): (?P<step>a slice of \d+ serial "
    r"units|the last step) in (?P<seconds>[\d.]+) s \((?P<cpu>[\d.]+) s CPU\), "
    r"(?P<done>\d+) of "
    r"(?P<total>\d+) serial units done before it; peak memory (?P<peak>\d+) MiB"
)
WORKER_ALIVE = re.compile(r"Worker Worker(?:HTTP|Cron) \((\d+)\) alive")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
MIB = 1024 * 1024
# how long a background validation may take before the run gives up on it
# (seconds, at least; more for the largest sizes)
BACKGROUND_TIMEOUT = 1800
# the most serials one entry of the dialog takes (MAX_SERIALS_PER_ENTRY): a
# larger receipt holds several products, one entry each
ENTRY_MAX = int(os.environ.get("SCALE_ENTRY_MAX", "100000"))
READY_TIMEOUT = 180


def now():
    return time.strftime("%H:%M:%S")


def say(text):
    print(f"[{now()}] {text}", flush=True)


def load():
    """The machine's load average over the last minute: on a shared machine,
    seconds mean little without it."""
    return float(Path("/proc/loadavg").read_text().split()[0])


class ScaleFailure(Exception):
    pass


# ----------------------------------------------------------------------
# The processes of the Odoo server
# ----------------------------------------------------------------------
def cpu_seconds(pid):
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def memory(pid):
    """(resident, virtual, peak resident) in bytes, from /proc/<pid>/status."""
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmSize", "VmHWM"):
                values[key] = int(rest.split()[0]) * 1024
    except OSError:
        return None
    return values.get("VmRSS", 0), values.get("VmSize", 0), values.get("VmHWM", 0)


def reset_peak(pid):
    """Reset the kernel's peak resident size of ``pid`` (VmHWM): 5 written to
    clear_refs. False when not allowed; the sampled peak is used then."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


class Monitor:
    """Samples the memory of every Odoo process while a call runs, and tells
    which worker served it (the one that used the most CPU)."""

    def __init__(self, odoo_pid, log_path, db):
        self.odoo_pid = odoo_pid
        self.db = db
        self.pg = None
        self.log_path = Path(log_path)
        self.log_offset = 0
        self.known_workers = set()
        self.peaks = {}
        self.sampling = False
        self.thread = None

    def workers(self):
        """Odoo's workers, as its log announces them ("Worker WorkerHTTP (pid)
        alive"), that are still running: not the gevent server, nor the short
        processes a worker may start."""
        self.new_log_lines()
        return [
            pid for pid in sorted(self.known_workers) if cpu_seconds(pid) is not None
        ]

    def _sample(self):
        while self.sampling:
            for pid in list(self.peaks):
                cpu = cpu_seconds(pid)
                if cpu is not None:
                    self.cpu_last[pid] = cpu
                mem = memory(pid)
                if mem:
                    rss, vms, _hwm = mem
                    old_rss, old_vms = self.peaks[pid]
                    self.peaks[pid] = (max(old_rss, rss), max(old_vms, vms))
            time.sleep(0.05)

    def database_backends(self):
        """The PostgreSQL processes serving Odoo's connections to the database:
        their CPU is the database's share of a call."""
        if self.pg is None:
            self.pg = psycopg2.connect(dbname=self.db)
            self.pg.autocommit = True
        with self.pg.cursor() as cr:
            cr.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s "
                "AND pid <> pg_backend_pid()",
                [self.db],
            )
            return [pid for (pid,) in cr.fetchall()]

    def start(self):
        self.backends = {pid: cpu_seconds(pid) for pid in self.database_backends()}
        pids = self.workers()
        self.pids = pids
        self.cpu_before = {pid: cpu_seconds(pid) for pid in pids}
        self.cpu_last = dict(self.cpu_before)
        self.exact_peak = all(reset_peak(pid) for pid in pids)
        self.peaks = {pid: (0, 0) for pid in pids}
        self.sampling = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def stop(self):
        """(pid, cpu seconds, peak resident bytes, peak virtual bytes) of the
        worker that used the most CPU, and the pids that vanished; the CPU
        seconds of the database in ``self.database_cpu``."""
        self.sampling = False
        self.thread.join()
        self.database_cpu = sum(
            (cpu_seconds(pid) or before or 0) - (before or 0)
            for pid, before in self.backends.items()
        )
        gone = [pid for pid in [self.odoo_pid, *self.pids] if cpu_seconds(pid) is None]
        best = None
        for pid in self.pids:
            # a worker that was stopped: its last sample
            after = cpu_seconds(pid) or self.cpu_last.get(pid)
            if after is None:
                continue
            used = after - (self.cpu_before[pid] or 0)
            if best is None or used > best[1]:
                best = (pid, used)
        if best is None:
            return None, 0.0, 0, 0, gone
        pid, used = best
        rss, vms = self.peaks.get(pid, (0, 0))
        mem = memory(pid)
        if mem and self.exact_peak:
            rss = max(rss, mem[2])
        return pid, used, rss, vms, gone

    def new_log_lines(self):
        if not self.log_path.exists():
            return []
        with self.log_path.open("rb") as log:
            log.seek(self.log_offset)
            data = log.read()
            self.log_offset += len(data)
        lines = data.decode(errors="replace").splitlines()
        for line in lines:
            alive = WORKER_ALIVE.search(line)
            if alive:
                self.known_workers.add(int(alive.group(1)))
        return lines


# ----------------------------------------------------------------------
# JSON-RPC, as the web client sends it
# ----------------------------------------------------------------------
class Client:
    def __init__(self, url, db, monitor):
        self.url, self.db, self.monitor = url, db, monitor
        self.session = requests.Session()
        self.context = {}
        self.rows = []
        self.request_id = 0
        self.specs = {}

    def _post(self, path, params, timeout=900):
        self.request_id += 1
        response = self.session.post(
            f"{self.url}{path}",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": params,
                "id": self.request_id,
            },
            timeout=timeout,
        )
        response.raise_for_status()
        payload = response.json()
        if payload.get("error"):
            error = payload["error"]
            data = error.get("data") or {}
            raise ScaleFailure(
                f"{data.get('name') or error.get('message')}: "
                f"{data.get('message') or error.get('message')}"
            )
        return payload["result"]

    def wait_ready(self):
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            try:
                self._post("/web/webclient/version_info", {}, timeout=5)
                return
            except (requests.RequestException, ScaleFailure):
                time.sleep(1)
        raise ScaleFailure(
            f"Odoo did not answer on {self.url} within {READY_TIMEOUT} s"
        )

    def authenticate(self, login="admin", password="admin"):  # noqa: S107
        result = self._post(
            "/web/session/authenticate",
            {"db": self.db, "login": login, "password": password},
        )
        self.context = {
            **result["user_context"],
            "allowed_company_ids": [result["user_companies"]["current_company"]],
        }

    def timed(self, label, path, params, record=True):
        """One call, timed, with the serving worker's CPU and memory; fails on
        an error or a killed worker."""
        self.monitor.start()
        self.monitor.new_log_lines()  # what came before is not this call's
        start = time.perf_counter()
        error = None
        try:
            result = self._post(path, params)
        except (requests.RequestException, ScaleFailure) as exc:
            error, result = exc, None
        seconds = time.perf_counter() - start
        pid, cpu, rss, vms, gone = self.monitor.stop()
        killed = [
            line for line in self.monitor.new_log_lines() if KILL_PATTERNS.search(line)
        ]
        row = {
            "label": label,
            "seconds": seconds,
            "cpu": cpu,
            "rss": rss,
            "vms": vms,
            "pid": pid,
            "load": load(),
            "db_cpu": self.monitor.database_cpu,
        }
        say(
            f"{label}: {seconds:.2f} s, worker {pid}: {cpu:.2f} s CPU "
            f"(database {row['db_cpu']:.2f} s), "
            f"peak {rss / MIB:.0f} MiB resident ({vms / MIB:.0f} MiB virtual), "
            f"load {row['load']:.1f}"
        )
        if record:
            self.rows.append(row)
        if killed or gone:
            raise ScaleFailure(
                f"{label}: a worker was stopped (processes gone: {gone}); "
                "Odoo logged:\n" + "\n".join(killed)
            )
        if error:
            raise ScaleFailure(f"{label} failed: {error}")
        return result

    def call_kw(self, label, model, method, args, kwargs=None, record=True):
        kwargs = {**(kwargs or {})}
        kwargs["context"] = {**self.context, **kwargs.get("context", {})}
        return self.timed(
            label,
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
            record=record,
        )

    def button(self, label, model, method, record_id, context=None):
        """An object button, as the web client calls it."""
        return self.timed(
            label,
            f"/web/dataset/call_button/{model}/{method}",
            {
                "model": model,
                "method": method,
                "args": [[record_id]],
                "kwargs": {"context": {**self.context, **(context or {})}},
            },
        )

    # the field specification the web client builds from a form view
    def spec(self, model):
        if model not in self.specs:
            views = self.call_kw(
                f"get_views {model}",
                model,
                "get_views",
                [[[False, "form"]]],
                {"options": {}},
                record=False,
            )
            arch = ET.fromstring(views["views"]["form"]["arch"])
            fields_of = {name: info["fields"] for name, info in views["models"].items()}
            self.specs[model] = view_spec(arch, model, fields_of)
        return self.specs[model]

    def web_read(self, label, model, record_id):
        return self.call_kw(
            label, model, "web_read", [[record_id]], {"specification": self.spec(model)}
        )[0]

    def web_save(self, label, model, record_id, changes):
        return self.call_kw(
            label,
            model,
            "web_save",
            [[record_id], changes],
            {"specification": self.spec(model)},
        )[0]


def view_spec(node, model, fields_of):
    """The specification of ``web_read`` for the fields of a view, as the web
    client builds it: many2one with their display name, x2many with the
    fields of their inline list (its first page) or their display name."""
    spec = {}
    fields = fields_of.get(model, {})
    for child in node:
        if child.tag == "field" and child.get("name") in fields:
            name = child.get("name")
            info = fields[name]
            if info["type"] == "many2one":
                spec[name] = {"fields": {"display_name": {}}}
            elif info["type"] in ("one2many", "many2many"):
                sub = next(
                    (view for view in child if view.tag in ("list", "tree", "kanban")),
                    None,
                )
                if sub is not None:
                    spec[name] = {
                        "fields": view_spec(sub, info["relation"], fields_of),
                        "limit": int(sub.get("limit") or 40),
                        "order": sub.get("default_order") or "",
                    }
                else:
                    spec[name] = {"fields": {"display_name": {}}}
            else:
                spec.setdefault(name, {})
        elif child.tag not in ("list", "tree", "kanban", "form"):
            for name, value in view_spec(child, model, fields_of).items():
                spec.setdefault(name, value)
    return spec


# ----------------------------------------------------------------------
# The flows
# ----------------------------------------------------------------------
class Flows:
    def __init__(self, client, size):
        self.client, self.size = client, size
        self.background = []  # (label, seconds) of background validations

    def setup(self):
        c, n = self.client, self.size
        self.warehouse = c.call_kw(
            "setup",
            "stock.warehouse",
            "search_read",
            [[]],
            {"fields": ["lot_stock_id", "in_type_id", "out_type_id"], "limit": 1},
            record=False,
        )[0]
        self.partner = c.call_kw(
            "setup",
            "res.partner",
            "create",
            [{"name": f"Scale Partner {n}"}],
            record=False,
        )
        refs = c.call_kw(
            "setup",
            "ir.model.data",
            "search_read",
            [
                [
                    ("module", "=", "stock"),
                    (
                        "name",
                        "in",
                        ["stock_location_suppliers", "stock_location_customers"],
                    ),
                ]
            ],
            {"fields": ["name", "res_id"]},
            record=False,
        )
        ids = {ref["name"]: ref["res_id"] for ref in refs}
        self.suppliers = ids["stock_location_suppliers"]
        self.customers = ids["stock_location_customers"]

    def parts(self):
        """The units of each product of a receipt: one product up to
        ``ENTRY_MAX`` serials, else as many as entries need."""
        count = -(-self.size // ENTRY_MAX)
        return [
            self.size // count + (index < self.size % count) for index in range(count)
        ]

    def product(self, mode, index=0):
        template = self.client.call_kw(
            "setup",
            "product.template",
            "create",
            [
                {
                    "name": f"Scale {mode} {self.size}"
                    + (f" {index}" if index else ""),
                    "type": "consu",
                    "serial_tracking_enabled": True,
                    "serial_tracking_mode": mode,
                }
            ],
            record=False,
        )
        return self.client.call_kw(
            "setup",
            "product.product",
            "search",
            [[("product_tmpl_id", "=", template)]],
            record=False,
        )[0]

    def label(self, text):
        return f"{self.size:>6}  {text}"

    def open_dialog(self, label, model, method, record_id):
        action = self.client.button(
            self.label(f"{label}: open the serial dialog"), model, method, record_id
        )
        wizard_id = action["res_id"]
        wizard = self.client.web_read(
            self.label(f"{label}: first read of the dialog"),
            "serial.entry.wizard",
            wizard_id,
        )
        return wizard_id, wizard

    def dialog_button(self, label, wizard_id, method, changes=None):
        """A button of the dialog: its changes saved, the button called, the
        dialog read again when the button reopens it."""
        c = self.client
        if changes:
            c.web_save(
                self.label(f"{label}: save the dialog"),
                "serial.entry.wizard",
                wizard_id,
                changes,
            )
        action = c.button(self.label(label), "serial.entry.wizard", method, wizard_id)
        if (
            isinstance(action, dict)
            and action.get("res_model") == "serial.entry.wizard"
        ):
            return c.web_read(
                self.label(f"{label}: read the dialog"),
                "serial.entry.wizard",
                action["res_id"],
            )
        return action

    def picking(self, code, product, quantities=None):
        """A transfer of ``product`` (a list: one move each, of
        ``quantities``), marked as to do; returns it and its moves' ids."""
        c = self.client
        products = product if isinstance(product, list) else [product]
        quantities = quantities or [self.size]
        source, destination = (
            (self.suppliers, self.warehouse["lot_stock_id"][0])
            if code == "in"
            else (self.warehouse["lot_stock_id"][0], self.customers)
        )
        picking_type = self.warehouse["in_type_id" if code == "in" else "out_type_id"][
            0
        ]
        picking_id = c.call_kw(
            "setup",
            "stock.picking",
            "create",
            [
                {
                    "picking_type_id": picking_type,
                    "partner_id": self.partner,
                    "location_id": source,
                    "location_dest_id": destination,
                    "move_ids": [
                        (
                            0,
                            0,
                            {
                                "product_id": each,
                                "product_uom_qty": quantity,
                                "location_id": source,
                                "location_dest_id": destination,
                            },
                        )
                        for each, quantity in zip(products, quantities, strict=True)
                    ],
                }
            ],
            record=False,
        )
        name = "receipt" if code == "in" else "delivery"
        c.button(
            self.label(f"{name}: mark as to do"),
            "stock.picking",
            "action_confirm",
            picking_id,
        )
        picking = c.web_read(
            self.label(f"{name}: read the transfer"), "stock.picking", picking_id
        )
        if picking.get("serial_background_state") == "queued":
            # the lines of its units are made in the background
            self.wait_background(name, picking_id, "prepared")
        moves = [move["id"] for move in picking["move_ids"]]
        return picking_id, moves if isinstance(product, list) else moves[0]

    def validate(self, name, picking_id):
        c = self.client
        result = c.button(
            self.label(f"{name}: validate"),
            "stock.picking",
            "button_validate",
            picking_id,
        )
        picking = c.web_read(
            self.label(f"{name}: read the transfer"), "stock.picking", picking_id
        )
        if isinstance(result, dict) and result.get("res_model") not in (
            None,
            "stock.picking",
        ):
            raise ScaleFailure(
                f"{name}: validation asked for {result.get('res_model')}"
            )
        if picking["state"] != "done":
            self.wait_background(name, picking_id)

    def wait_background(
        self, name, picking_id, what="validated", model="stock.picking"
    ):
        """Work queued to run in the background (a validation, or the lines a
        Mark as To Do left, ``what`` = "prepared"; on a bill or an invoice,
        ``model`` account.move, its Expected units or its posting): the cron
        worker's work is measured as one call, until the transfer is done (or
        the document no longer queued)."""
        c = self.client
        monitor = c.monitor
        monitor.start()
        monitor.new_log_lines()
        start = time.perf_counter()
        deadline = time.monotonic() + max(BACKGROUND_TIMEOUT, self.size // 200)
        fields = ["state"] + [
            name
            for name in ("serial_background_state", "serial_background_error")
            if name in c.spec(model)
        ]
        state = background = error = None
        while time.monotonic() < deadline:
            time.sleep(2)
            record = c._post(
                f"/web/dataset/call_kw/{model}/read",
                {
                    "model": model,
                    "method": "read",
                    "args": [[picking_id], fields],
                    "kwargs": {"context": c.context},
                },
            )[0]
            state = record["state"]
            background = record.get("serial_background_state")
            error = record.get("serial_background_error")
            if background == "failed" or (
                state == "done" if what == "validated" else background != "queued"
            ):
                break
        seconds = time.perf_counter() - start
        pid, cpu, rss, vms, gone = monitor.stop()
        log_lines = monitor.new_log_lines()
        killed = [line for line in log_lines if KILL_PATTERNS.search(line)]
        label = self.label(f"{name}: {what} in the background")
        steps = [match for line in log_lines if (match := BACKGROUND_STEP.search(line))]
        for number, step in enumerate(steps, 1):
            say(
                f"{label}: step {number} of {len(steps)}, {step['step']}: "
                f"{float(step['seconds']):.1f} s ({float(step['cpu']):.1f} s CPU of "
                f"the worker), worker peak {step['peak']} MiB"
            )
        if steps:
            longest = max(float(step["seconds"]) for step in steps)
            c.rows.append(
                {
                    "label": self.label(f"{name}: longest {what} step"),
                    "seconds": longest,
                    "cpu": 0.0,
                    "rss": max(int(step["peak"]) for step in steps) * MIB,
                    "vms": 0,
                    "pid": pid,
                    "load": load(),
                    "db_cpu": 0.0,
                }
            )
        c.rows.append(
            {
                "label": label,
                "seconds": seconds,
                "cpu": cpu,
                "rss": rss,
                "vms": vms,
                "pid": pid,
                "load": load(),
                "db_cpu": monitor.database_cpu,
            }
        )
        say(
            f"{label}: done after {seconds:.0f} s (polled every 2 s), worker {pid}: "
            f"{cpu:.2f} s CPU (database {monitor.database_cpu:.2f} s), peak "
            f"{rss / MIB:.0f} MiB resident ({vms / MIB:.0f} MiB virtual)"
        )
        if killed or gone:
            raise ScaleFailure(
                f"{label}: a worker was stopped; Odoo logged:\n" + "\n".join(killed)
            )
        if background == "failed" or (what == "validated" and state != "done"):
            raise ScaleFailure(f"{label}: not done ({background}): {error}")

    def receipt(self):
        """A receipt of ``size`` serials: one product, or above what one entry
        takes, several (one entry each, each entry's Expected units created
        before the next entry, the transfer being locked meanwhile)."""
        parts = self.parts()
        products = [self.product("physical", index) for index in range(len(parts))]
        picking_id, move_ids = self.picking("in", products, parts)
        for index, (move_id, count) in enumerate(zip(move_ids, parts, strict=True)):
            prefix = f"R{self.size}-" + (f"{index}-" if len(parts) > 1 else "")
            wizard_id, _wizard = self.open_dialog(
                "receipt", "stock.move", "action_open_serial_entry", move_id
            )
            wizard = self.dialog_button(
                "receipt: generate",
                wizard_id,
                "action_generate",
                {
                    "gen_prefix": prefix,
                    "gen_start": 1,
                    "gen_count": count,
                    "gen_padding": len(str(count)),
                },
            )
            check_count(wizard, count)
            self.dialog_button("receipt: confirm", wizard_id, "action_confirm")
            picking = self.client.web_read(
                self.label("receipt: read the transfer"), "stock.picking", picking_id
            )
            if picking.get("serial_background_state") == "queued":
                # an entry of the threshold or more: its Expected units are
                # created in the background
                self.wait_background("receipt", picking_id, "announced")
        self.validate("receipt", picking_id)
        self.database_size()
        self.physical_product = products[0]

    def database_size(self):
        """The database's size on disk, said once the receipt is done."""
        with psycopg2.connect(dbname=self.client.db) as pg, pg.cursor() as cr:
            cr.execute(
                "SELECT pg_size_pretty(pg_database_size(current_database())), "
                "(SELECT count(*) FROM stock_lot), "
                "(SELECT count(*) FROM stock_move_line)"
            )
            size, lots, lines = cr.fetchone()
        say(
            f"{self.size}: database {size} on disk ({lots} serials, {lines} move lines)"
        )

    def delivery(self):
        if len(self.parts()) > 1:
            say(f"{self.size}: the delivery runs up to {ENTRY_MAX} serials (one entry)")
            return
        picking_id, move_id = self.picking("out", self.physical_product)
        wizard_id, wizard = self.open_dialog(
            "delivery", "stock.move", "action_open_serial_entry", move_id
        )
        wizard = self.dialog_button(
            "delivery: select all", wizard_id, "action_select_all"
        )
        check_count(wizard, self.size)
        self.dialog_button("delivery: confirm", wizard_id, "action_confirm")
        picking = self.client.web_read(
            self.label("delivery: read the transfer"), "stock.picking", picking_id
        )
        if picking.get("serial_background_state") == "queued":
            # a selection of the threshold or more: its units are put on the
            # lines in the background
            self.wait_background("delivery", picking_id, "selected")
        self.validate("delivery", picking_id)

    def accounting(self):
        c, n = self.client, self.size
        product = self.product("accounting")
        documents = {}
        for name, move_type in (("bill", "in_invoice"), ("invoice", "out_invoice")):
            move_id = c.call_kw(
                "setup",
                "account.move",
                "create",
                [
                    {
                        "move_type": move_type,
                        "partner_id": self.partner,
                        "invoice_date": time.strftime("%Y-%m-%d"),
                        "invoice_line_ids": [
                            (
                                0,
                                0,
                                {
                                    "product_id": product,
                                    "quantity": n,
                                    "price_unit": 1,
                                },
                            )
                        ],
                    }
                ],
                record=False,
            )
            move = c.web_read(
                self.label(f"{name}: read the document"), "account.move", move_id
            )
            line_id = move["invoice_line_ids"][0]["id"]
            wizard_id, _wizard = self.open_dialog(
                name, "account.move.line", "action_open_serial_entry", line_id
            )
            if name == "bill":
                wizard = self.dialog_button(
                    "bill: generate",
                    wizard_id,
                    "action_generate",
                    {
                        "gen_prefix": f"B{n}-",
                        "gen_start": 1,
                        "gen_count": n,
                        "gen_padding": len(str(n)),
                    },
                )
            else:
                wizard = self.dialog_button(
                    "invoice: select all", wizard_id, "action_select_all"
                )
            check_count(wizard, n)
            self.dialog_button(f"{name}: confirm", wizard_id, "action_confirm")
            move = c.web_read(
                self.label(f"{name}: read the document"), "account.move", move_id
            )
            if move.get("serial_background_state") == "queued":
                # an entry of the threshold or more: its Expected units are
                # created in the background
                self.wait_background(name, move_id, "announced", "account.move")
            c.button(
                self.label(f"{name}: post"), "account.move", "action_post", move_id
            )
            move = c.web_read(
                self.label(f"{name}: read the document"), "account.move", move_id
            )
            if move["state"] != "posted":
                raise ScaleFailure(f"{name} not posted: {move['state']}")
            if move.get("serial_background_state") == "queued":
                # its units get their new status in the background
                self.wait_background(name, move_id, "posted", "account.move")
            documents[name] = move_id
        return documents


def check_count(wizard, size):
    """The dialog's count, as the person reads it: "Serial numbers (N / N)"."""
    if f"({size} / {size})" not in (wizard.get("count_label") or ""):
        raise ScaleFailure(
            f"the dialog says {wizard.get('count_label')}, not ({size} / {size}): "
            f"{wizard.get('problem') or wizard.get('last_message')}"
        )


# the targets of the issue: every call at 100,000 serials within half of
# Odoo's CPU limit and 1.5 GiB; at 10,000 a receipt validation within 2 s and
# each confirm within 1 s
def target_of(size, label):
    """Issue 36's targets: a background step (one slice, one transaction) in
    30 s at any size; at 100,000 every call a user waits for in 15 s and the
    transfer done within 4 minutes of Validate."""
    if "longest" in label and label.endswith(" step"):
        return 30.0
    if size > ENTRY_MAX:
        # one million: it completes, no transaction over 30 s
        if label.endswith(" in the background"):
            return None
        return 30.0
    if size >= 100_000:
        if label.endswith("validated in the background"):
            return 240.0
        if label.endswith(
            (
                "prepared in the background",
                "announced in the background",
                "selected in the background",
                "posted in the background",
            )
        ):
            return None  # no target of its own: part of the way to Validate
        return 15.0
    if size == 10_000 and label.endswith("receipt: validate"):
        return 2.0
    if size == 10_000 and label.endswith(": confirm"):
        return 1.0
    return None


MEMORY_TARGET = 1.5 * 1024 * MIB


def summary(rows, failed=False):
    print()
    print(
        f"{'N':>6}  {'call':<44}{'s':>8}{'CPU s':>7}{'DB s':>6}{'MiB':>6}"
        f"{'load':>6}  target"
    )
    misses = 0
    for row in rows:
        size = int(row["label"].split()[0])
        label = row["label"].split(None, 1)[1]
        target = target_of(size, row["label"])
        verdict = ""
        if target is not None:
            ok = row["seconds"] <= target
            verdict = f"≤ {target:g} s {'ok' if ok else 'MISSED'}"
            misses += not ok
        if size >= 100_000 and row["rss"] > MEMORY_TARGET:
            verdict += " memory MISSED"
            misses += 1
        print(
            f"{size:>6}  {label:<44}{row['seconds']:>8.2f}{row['cpu']:>7.2f}"
            f"{row['db_cpu']:>6.2f}{row['rss'] / MIB:>6.0f}{row['load']:>6.1f}"
            f"  {verdict}"
        )
    print()
    if not failed:
        say(
            f"{len(rows)} calls, {misses} outside the targets; no call failed, "
            "no worker was stopped"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--odoo-pid", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--steps", default="receipt,delivery,accounting")
    parser.add_argument("--json", help="write the rows to this file too")
    args = parser.parse_args()
    steps = set(args.steps.split(","))
    monitor = Monitor(args.odoo_pid, args.log, args.db)
    client = Client(args.url, args.db, monitor)
    try:
        client.wait_ready()
        client.authenticate()
    except ScaleFailure as failure:
        say(f"FAILED: {failure}")
        return 1
    say(f"signed in as admin on {args.db}; workers: {monitor.workers()}")
    failures = []
    for size in args.sizes:
        flows = Flows(client, size)
        # a failure ends its flow (a delivery needs the receipt's units), the
        # other flows and sizes still run
        chains = []
        if steps & {"receipt", "delivery"}:
            chains.append(
                [flows.receipt] + ([flows.delivery] if "delivery" in steps else [])
            )
        if "accounting" in steps:
            chains.append([flows.accounting])
        try:
            flows.setup()
        except ScaleFailure as failure:
            failures.append(f"{size}: {failure}")
            continue
        for chain in chains:
            try:
                for flow in chain:
                    flow()
            except ScaleFailure as failure:
                say(f"FAILED: {failure}")
                failures.append(f"{size}: {failure}")
    summary(client.rows, failed=bool(failures))
    if args.json:
        Path(args.json).write_text(json.dumps(client.rows, indent=1))
    if failures:
        say(f"{len(failures)} failure(s):")
        for failure in failures:
            print(f"  - {failure}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
