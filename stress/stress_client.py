# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Stress clients and database checks for stress/run.sh (make stress).

Several processes drive Odoo over XML-RPC at once, for a bounded number of
rounds: take serials from one auto-numbering format, post invoices that try to
sell the same available serials, deliver the same physical serials, and create
serials by hand with the same names in both uniqueness scopes. One Odoo worker is
killed in the middle. Then the database is checked. A timestamped line marks each
step as it starts and ends, with its figure.
"""

import argparse
import http.client
import multiprocessing
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import xmlrpc.client

import psycopg2

BUSINESS_ERRORS = (
    "not in stock",
    "already exist",
    "already in stock",
    "cannot leave",
    "cannot be received",
    "The operation cannot be completed",
    "are entered",
    "not available",
    "no longer available",
    "The combination of lot/serial number and product must be unique",
    "already used or given twice",
    "is moving some of these units right now",
)
PASSWORD = "admin"


class NoRetryTransport(xmlrpc.client.Transport):
    """xmlrpc.client sends a request again when the connection drops; to see
    what a killed worker left behind, the request must be sent only once."""

    def request(self, host, handler, request_body, verbose=False):
        return self.single_request(host, handler, request_body, verbose)


class Session:
    def __init__(self, db, port, uid, company_id=None, retry=True):
        self.db, self.uid, self.company_id = db, uid, company_id
        self.proxy = xmlrpc.client.ServerProxy(
            f"http://127.0.0.1:{port}/xmlrpc/2/object",
            allow_none=True,
            transport=None if retry else NoRetryTransport(),
        )

    def __call__(self, model, method, *args, company_id=None, **kwargs):
        if company_id:
            kwargs["context"] = {"allowed_company_ids": [company_id]}
        return self.proxy.execute_kw(
            self.db, self.uid, PASSWORD, model, method, list(args), kwargs
        )


def login(db, port):
    common = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}/xmlrpc/2/common")
    for _ in range(120):
        try:
            return common.authenticate(db, "admin", PASSWORD, {})
        except (ConnectionError, OSError, xmlrpc.client.ProtocolError):
            time.sleep(1)
    sys.exit("Odoo did not answer on 127.0.0.1")


def setup(call):
    """Products, partners, and a pool of serials in stock to fight over."""
    acc = call(
        "product.template",
        "create",
        {
            "name": "Stress Laptop",
            "type": "consu",
            "serial_tracking_enabled": True,
            "serial_tracking_mode": "accounting",
            "serial_auto_number": True,
            "serial_number_format": "ST-[[INCNUM,NONE,6]]",
        },
    )
    phy = call(
        "product.template",
        "create",
        {
            "name": "Stress Scanner",
            "type": "consu",
            "serial_tracking_enabled": True,
            "serial_tracking_mode": "physical",
        },
    )
    company2 = call(
        "res.company", "create", {"name": "Stress Co 2", "serial_uniqueness": "company"}
    )
    scoped = [
        call(
            "product.template",
            "create",
            {
                "name": f"Stress Scoped {n}",
                "type": "consu",
                "company_id": company2,
                "serial_tracking_enabled": True,
                "serial_tracking_mode": "accounting",
            },
            company_id=company2,
        )
        for n in (1, 2)
    ]
    acc_product, phy_product = call(
        "product.template", "read", [acc, phy], ["product_variant_id"]
    )
    scoped_products = call(
        "product.template", "read", scoped, ["product_variant_id"], company_id=company2
    )
    vendor = call("res.partner", "create", {"name": "Stress Vendor"})
    customers = [
        call("res.partner", "create", {"name": f"Stress Customer {n}"})
        for n in range(4)
    ]
    pool = [f"POOL-{n:03d}" for n in range(1, 31)]
    bill = call(
        "account.move",
        "create",
        {
            "move_type": "in_invoice",
            "partner_id": vendor,
            "invoice_date": "2025-01-01",
            "invoice_line_ids": [
                (
                    0,
                    0,
                    {
                        "product_id": acc_product["product_variant_id"][0],
                        "quantity": len(pool),
                        "price_unit": 10,
                        "serial_names": "\n".join(pool),
                    },
                )
            ],
        },
    )
    call("account.move", "action_post", [bill])
    pool_ids = call("stock.lot", "search", [("name", "in", pool[:-2])])
    kill_ids = call("stock.lot", "search", [("name", "in", pool[-2:])])
    phy_pool = [f"PPOOL-{n:03d}" for n in range(1, 21)]
    picking = picking_with_serials(
        call, "incoming", phy_product["product_variant_id"][0], vendor, phy_pool
    )
    call("stock.picking", "button_validate", [picking])
    return {
        "acc": acc,
        "acc_product": acc_product["product_variant_id"][0],
        "phy_product": phy_product["product_variant_id"][0],
        "company2": company2,
        "scoped_products": [p["product_variant_id"][0] for p in scoped_products],
        "customers": customers,
        "pool_ids": pool_ids,
        "kill_ids": kill_ids,
        "phy_pool": phy_pool,
    }


def picking_with_serials(call, code, product, partner, names):
    picking_type = call(
        "stock.picking.type",
        "search_read",
        [("code", "=", code)],
        ["default_location_src_id", "default_location_dest_id"],
        limit=1,
    )[0]
    source = (
        picking_type["default_location_src_id"][0]
        if code == "outgoing"
        else call(
            "ir.model.data",
            "check_object_reference",
            "stock",
            "stock_location_suppliers",
        )[1]
    )
    dest = (
        picking_type["default_location_dest_id"][0]
        if code == "incoming"
        else call(
            "ir.model.data",
            "check_object_reference",
            "stock",
            "stock_location_customers",
        )[1]
    )
    picking = call(
        "stock.picking",
        "create",
        {
            "picking_type_id": picking_type["id"],
            "partner_id": partner,
            "location_id": source,
            "location_dest_id": dest,
            "move_ids": [
                (
                    0,
                    0,
                    {
                        "product_id": product,
                        "product_uom_qty": len(names),
                        "location_id": source,
                        "location_dest_id": dest,
                    },
                )
            ],
        },
    )
    call("stock.picking", "action_confirm", [picking])
    move = call("stock.picking", "read", [picking], ["move_ids"])[0]["move_ids"][0]
    wizard = call("stock.move", "action_open_serial_entry", [move])["res_id"]
    call("serial.entry.wizard", "action_clear", [wizard])
    call("serial.entry.wizard", "write", [wizard], {"paste_text": ", ".join(names)})
    method = "action_add_pasted" if code == "incoming" else "action_select_pasted"
    call("serial.entry.wizard", method, [wizard])
    call("serial.entry.wizard", "action_confirm", [wizard])
    return picking


def client(index, args, data, progress, running, results):
    call = Session(args.db, args.port, args.uid)
    rng = random.Random(index)
    stats = {
        "documents": 0,
        "business": 0,
        "interrupted": 0,
        "unclear": [],
        "allocated": [],
    }

    def allocate(round_):
        wizard = call("product.template", "action_add_serials_bulk", [data["acc"]])[
            "res_id"
        ]
        call(
            "serial.entry.wizard",
            "write",
            [wizard],
            {"required_count": 3, "format_count": 3},
        )
        call("serial.entry.wizard", "action_add_from_format", [wizard])
        names = call("serial.entry.wizard", "read", [wizard], ["serial_names"])[0][
            "serial_names"
        ]
        stats["allocated"] += names.split("\n")
        call("serial.entry.wizard", "action_confirm", [wizard])

    def sell(round_):
        lots = rng.sample(data["pool_ids"], 2)
        invoice = call(
            "account.move",
            "create",
            {
                "move_type": "out_invoice",
                "partner_id": rng.choice(data["customers"]),
                "invoice_date": "2025-02-01",
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": data["acc_product"],
                            "quantity": 2,
                            "price_unit": 20,
                            "serial_lot_ids": [(6, 0, lots)],
                        },
                    )
                ],
            },
        )
        call("account.move", "action_post", [invoice])

    def deliver(round_):
        name = rng.choice(data["phy_pool"])
        picking = picking_with_serials(
            call, "outgoing", data["phy_product"], rng.choice(data["customers"]), [name]
        )
        call("stock.picking", "button_validate", [picking])

    def by_hand(round_):
        # per product: every client creates the same name on the same product
        call(
            "stock.lot",
            "create",
            {"name": f"HAND-{round_}", "product_id": data["acc_product"]},
        )

    def by_hand_company_scope(round_):
        # company-wide: the same name on two products of a company unique across
        # products
        product = data["scoped_products"][index % 2]
        call(
            "stock.lot",
            "create",
            {
                "name": f"SCOPE-{round_}",
                "product_id": product,
                "company_id": data["company2"],
            },
            company_id=data["company2"],
        )

    for round_ in range(args.rounds):
        for operation in (allocate, sell, deliver, by_hand, by_hand_company_scope):
            running.wait(timeout=120)
            try:
                operation(round_)
                stats["documents"] += 1
            except xmlrpc.client.Fault as fault:
                if any(text in fault.faultString for text in BUSINESS_ERRORS):
                    stats["business"] += 1
                else:
                    stats["unclear"].append(
                        fault.faultString.strip().splitlines()[-1][:300]
                    )
            except (
                ConnectionError,
                OSError,
                http.client.HTTPException,
                xmlrpc.client.ProtocolError,
            ):
                stats["interrupted"] += 1
            with progress.get_lock():
                progress.value += 1
    results.put(stats)


def cut_a_transaction(args, data):
    """Kill, with SIGKILL, the worker of a request that is in the middle of its
    transaction: the history table is locked from here, so a posting stops at its
    history insert, after it has already changed invoices and units."""
    call = Session(args.db, args.port, args.uid, retry=False)
    invoice = call(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": data["customers"][0],
            "invoice_date": "2025-03-01",
            "invoice_line_ids": [
                (
                    0,
                    0,
                    {
                        "product_id": data["acc_product"],
                        "quantity": 2,
                        "price_unit": 1,
                        "serial_lot_ids": [(6, 0, data["kill_ids"])],
                    },
                )
            ],
        },
    )
    interrupted = []

    def post():
        try:
            call("account.move", "action_post", [invoice])
        except (
            ConnectionError,
            OSError,
            http.client.HTTPException,
            xmlrpc.client.ProtocolError,
        ) as error:
            interrupted.append(error)

    locker = psycopg2.connect(dbname=args.db)
    try:
        with locker.cursor() as cr:
            cr.execute("LOCK TABLE stock_lot_history IN EXCLUSIVE MODE")
            poster = threading.Thread(target=post)
            poster.start()
            worker = None
            for _ in range(100):
                cr.execute(
                    """SELECT pid FROM pg_stat_activity
                               WHERE datname = %s AND wait_event_type = 'Lock'""",
                    [args.db],
                )
                backends = {pid for (pid,) in cr.fetchall()}
                workers = set(_worker_pids(args.server_pid))
                worker = next(
                    (
                        client
                        for backend, client in _socket_peers().items()
                        if backend in backends and client in workers
                    ),
                    None,
                )
                if worker:
                    break
                time.sleep(0.1)
            if worker:
                os.kill(worker, signal.SIGKILL)
                time.sleep(0.5)  # the server closes the killed worker's connection
    finally:
        locker.rollback()
        locker.close()
    poster.join(timeout=120)
    return (worker, invoice), interrupted


def _socket_peers():
    """{PostgreSQL backend pid: pid of the process at the other end of its
    socket}, read from ``ss`` (Odoo reaches PostgreSQL through a Unix socket)."""
    listing = subprocess.run(
        ["ss", "-xpn"], capture_output=True, text=True, check=False
    ).stdout
    owner, peer = {}, {}
    for line in listing.splitlines():
        match = re.search(
            r"\s(\d+)\s+\S+\s+(\d+)\s+users:\(\(\"([^\"]+)\",pid=(\d+)", line
        )
        if match:
            inode, peer_inode, _name, pid = match.groups()
            owner[inode] = int(pid)
            peer[int(pid), inode] = peer_inode
    return {pid: owner.get(peer_inode) for (pid, _inode), peer_inode in peer.items()}


def _worker_pids(server_pid):
    import psutil  # noqa: PLC0415 - Odoo's own requirement

    return [
        child.pid
        for child in psutil.Process(server_pid).children()
        if "gevent" not in " ".join(child.cmdline())
    ]


CHECKS = {
    "duplicate serials": """
        SELECT count(*) FROM (SELECT 1 FROM stock_lot WHERE serial_key IS NOT NULL
        GROUP BY COALESCE(company_id, 0), serial_key HAVING count(*) > 1) d""",
    "units invoiced twice": """
        SELECT count(*) FROM (SELECT rel.lot_id
        FROM account_move_line_serial_lot_rel rel
        JOIN account_move_line l ON l.id = rel.line_id
        JOIN account_move m ON m.id = l.move_id
        WHERE m.state = 'posted' AND m.move_type = 'out_invoice'
        GROUP BY rel.lot_id HAVING count(*) > 1) d""",
    "units delivered twice": """
        SELECT count(*) FROM (SELECT ml.lot_id FROM stock_move_line ml
        JOIN stock_location d ON d.id = ml.location_dest_id
        WHERE ml.state = 'done' AND d.usage = 'customer' AND ml.lot_id IS NOT NULL
        GROUP BY ml.lot_id HAVING count(*) > 1) d""",
    "serial quants below 0 or above 1": """
        SELECT count(*) FROM stock_quant q JOIN stock_lot l ON l.id = q.lot_id
        JOIN stock_location loc ON loc.id = q.location_id
        WHERE l.is_serial AND loc.usage = 'internal'
        AND (q.quantity < 0 OR q.quantity > 1)""",
    "invoices whose history disagrees": """
        SELECT count(*) FROM account_move m
        WHERE m.state = 'posted' AND m.move_type = 'out_invoice'
        AND (SELECT count(DISTINCT rel.lot_id) FROM account_move_line l
             JOIN account_move_line_serial_lot_rel rel ON rel.line_id = l.id
             WHERE l.move_id = m.id)
         <> (SELECT count(*) FROM stock_lot_history h WHERE h.res_model = 'account.move'
             AND h.res_id = m.id AND h.event_type = 'INVOICE')""",
    "transfers whose history disagrees": """
        SELECT count(*) FROM stock_picking p WHERE p.state = 'done'
        AND (SELECT count(*) FROM stock_move_line ml
             JOIN stock_lot l ON l.id = ml.lot_id
             WHERE ml.picking_id = p.id AND ml.state = 'done' AND l.is_serial)
         <> (SELECT count(*) FROM stock_lot_history h
             WHERE h.res_model = 'stock.picking' AND h.res_id = p.id)""",
    "counters behind an existing serial": """
        SELECT count(*) FROM serial_tracking_counter c WHERE c.last_value < (
            SELECT COALESCE(max(substring(l.name FROM '^ST-([0-9]+)$')::int), 0)
            FROM stock_lot l WHERE l.product_tmpl_id = c.product_tmpl_id)""",
}


def step(text):
    """One timestamped line, printed at once: the run is never silent."""
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--server-pid", type=int, required=True)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args()
    step(f"logging in to {args.db} on 127.0.0.1:{args.port}")
    args.uid = login(args.db, args.port)
    step("creating the products, partners and serials the clients share")
    t0 = time.time()
    data = setup(Session(args.db, args.port, args.uid))
    step(f"set up in {time.time() - t0:.1f} s")

    progress = multiprocessing.Value("i", 0)
    running = multiprocessing.Event()
    running.set()
    results = multiprocessing.Queue()
    total = args.clients * args.rounds * 5
    start = time.time()
    processes = [
        multiprocessing.Process(
            target=client, args=(i, args, data, progress, running, results)
        )
        for i in range(args.clients)
    ]
    for process in processes:
        process.start()
    step(
        f"{args.clients} clients started: {total} operations in all "
        f"({args.rounds} rounds of 5 each)"
    )
    deadline = start + 600
    shown = time.time()
    while progress.value < total // 2 and time.time() < deadline:
        time.sleep(0.2)
        if time.time() - shown >= 10:
            shown = time.time()
            step(f"{progress.value}/{total} operations done")
    # let the requests in flight finish, so the worker killed is the one posting
    step(f"{progress.value}/{total} operations done: clients paused")
    running.clear()
    time.sleep(3)
    step("killing the worker of an invoice posting in the middle of its transaction")
    killed, interrupted = cut_a_transaction(args, data)
    step(
        f"worker {killed[0]} killed: the posting was "
        f"{'cut mid-transaction' if interrupted else 'not reached'}; clients resumed"
    )
    running.set()
    stats = []
    for _ in processes:
        stats.append(results.get(timeout=max(1, deadline - time.time())))
        step(
            f"client finished ({len(stats)}/{len(processes)}): "
            f"{stats[-1]['documents']} documents, {progress.value}/{total} "
            "operations done in all"
        )
    for process in processes:
        process.join(timeout=10)
    elapsed = time.time() - start
    step("checking the database")

    allocated = [name for s in stats for name in s["allocated"]]
    unclear = [message for s in stats for message in s["unclear"]]
    figures = {}
    with psycopg2.connect(dbname=args.db) as connection, connection.cursor() as cr:
        for label, query in CHECKS.items():
            cr.execute(query)
            figures[label] = cr.fetchone()[0]
        worker, invoice = killed
        cr.execute("SELECT state FROM account_move WHERE id = %s", [invoice])
        state = cr.fetchone()[0]
        cr.execute(
            """SELECT count(*) FROM stock_lot WHERE id = ANY(%s)
                      AND serial_status IS DISTINCT FROM 'in_stock'""",
            [data["kill_ids"]],
        )
        changed_units = cr.fetchone()[0]
        cr.execute(
            """SELECT count(*) FROM stock_lot_history WHERE res_model = 'account.move'
                      AND res_id = %s""",
            [invoice],
        )
        rows = cr.fetchone()[0]
        # killed: nothing of it may remain; not killed: all of it must be there
        figures["half-written rows of the killed transaction"] = (
            (state != "draft") + changed_units + rows
            if interrupted
            else (state != "posted") + (2 - changed_units) + (2 - rows)
        )
    figures["serials handed out twice by the format"] = len(allocated) - len(
        set(allocated)
    )
    figures["requests failed without a clear business error"] = len(unclear)
    step(f"{len(figures)} checks done")

    documents = sum(s["documents"] for s in stats)
    print(
        f"\nStress run: {args.clients} clients x {args.rounds} rounds on 4 workers, "
        f"{elapsed:.1f} s; one worker killed at mid-run"
    )
    print(f"  documents done            {documents}")
    print(
        "  interrupted requests      "
        f"{sum(s['interrupted'] for s in stats) + len(interrupted)}"
    )
    print(f"  clear business refusals   {sum(s['business'] for s in stats)}")
    print(
        f"  killed worker             {killed[0]}: its invoice posting was "
        f"{'cut mid-transaction' if interrupted else 'not reached'}"
    )
    print(f"  serials from the format   {len(allocated)}")
    print(f"  throughput                {documents / elapsed:.1f} documents/s")
    failed = 0
    for label, value in figures.items():
        print(f"  {label:<48} {value}  {'ok' if value == 0 else 'FAILED'}")
        failed += value != 0
    for message in unclear[:10]:
        print(f"    unclear: {message}")
    print(f"{len(figures) - failed} passed, {failed} failed")
    sys.exit(1 if failed or not interrupted else 0)


if __name__ == "__main__":
    main()
