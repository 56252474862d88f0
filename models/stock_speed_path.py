# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The stock speed path: where the addon runs Odoo's own stock rules on values
read once, for large transfers of Track Serials units.

Odoo moves stock one unit at a time, through the ORM, several queries per
serial. For Track Serials products in physical mode the addon batches that
work. Every piece that repeats Odoo 19.0 arithmetic instead of calling it
names the Odoo method it mirrors:

* :class:`SerialQuantBatch` (``update_key``, ``flush``) mirrors
  ``stock.quant._update_available_quantity`` (and
  ``_update_reserved_quantity``, which calls it), the quant ``_gather`` and
  locking (``try_lock_for_update``) it relies on, and the quant's
  ``_compute_inventory_diff_quantity``;
* :func:`create_quants` mirrors quant ``create`` outside inventory mode and
  ``_compute_inventory_date``;
* :func:`reserve_quantity` mirrors ``stock.quant._get_reserve_quantity`` and
  ``_get_available_quantity``;
* :func:`reserve_units` mirrors ``stock.move._update_reserved_quantity_vals``
  and relies on ``_prepare_move_line_vals`` taking only the place of the
  unit from its quant;
* :func:`out_move_lines` (linear) mirrors ``stock.move._get_out_move_lines``
  (stock_account);
* :func:`action_done_batched` mirrors the checks and the quant loop of
  ``stock.move.line._action_done`` and its ``_synchronize_quant``, and relies
  on ``_free_reservation`` doing nothing where the move bypasses reservation;
* :func:`assign_new_lots` mirrors ``stock.move.line``'s
  ``_create_and_assign_production_lot`` and what its per-line ``write`` (of
  stock and stock_account, with ``_update_stock_move_value``) does for lines
  of a receipt;
* :func:`write_each` mirrors the ORM's ``write`` (``BaseModel.write``) of one
  field, a value per record, for many records at once; :func:`name_blank_lines`
  uses it where the move line ``write`` of ``lot_name`` does nothing more;
* :func:`assign_lots_first` mirrors the checks of ``_action_done`` that
  give lines naming new serials their lots;
* :func:`putaway_is_destination` lets ``_apply_putaway_strategy`` skip Odoo's
  putaway where its answer (``stock.location._get_putaway_strategy``) is the
  destination itself;
* :func:`lines_lacking_serial` mirrors ``stock.picking``'s
  ``_get_lot_move_lines_for_sanity_check``, narrowed to the lines its one
  caller, ``_sanity_check``, looks at (those naming no serial);
* :func:`all_lines_picked` lets ``stock.move._get_picked_quantity`` answer
  the move's quantity, as Odoo's does when every line is picked, without
  reading every line;
* :func:`no_line_in_a_package` lets ``stock.picking._check_entire_pack``
  return where Odoo's finds no package to look at, without reading every
  line of the transfers (at each step of a large Mark as To Do).

Copies of the ORM's work outside this file ask the same check: the company
check of a batch of serials or move lines (``check_company_in_bulk``,
models/serial_bulk.py, for ``BaseModel._check_company``), the serials'
batched creation (``stock.lot._serial_create_batched`` and
``_serial_precompute_in_bulk``, models/stock_lot.py, for ``default_get`` and
``_add_precomputed_values`` within ``BaseModel.create``), their set-based
status change (``stock.lot._serial_change_in_place``, for the serial's
``write``), and the quant ``create`` that leaves out a missing quants cache
(models/stock_quant.py). With the switch off none of them runs.

:data:`MIRRORED_METHODS` records each of these Odoo methods, and the private
APIs of the ORM the copies use (``Field._insert_cache``,
``Many2one._update_inverses``, ``Environment.protecting``,
``BaseModel.modified``, a field's ``write``...), with a
fingerprint of its source as this code was written against (Odoo 19.0).
When the running Odoo's source of any of them differs (an update of Odoo
changed it), the speed path switches itself off, logs one warning naming the
methods, and Odoo's code does all the work, until a maintainer has checked
the copies against the new code and recorded the new fingerprints
(:func:`current_fingerprints` prints them; ``tests/test_speed_path.py``
fails with them).

The models' overrides (``stock.quant._update_available_quantity``, ``_gather``
and ``_get_reserve_quantity``, ``stock.move._update_reserved_quantity_vals``
and ``_get_out_move_lines``, ``stock.move.line.create``, ``_action_done`` and
``_apply_putaway_strategy``) ask one question, :func:`speed_path_applies`,
then call these functions.

The switch is the system parameter ``serial_tracking.speed_path``: ``0``
switches the speed path off (Odoo's code does all the work); any other value,
or none, leaves it on (``1``, the default; the value ``2`` of earlier
versions, which chose a second implementation since removed, counts as on).
``make compat`` runs Odoo's own tests with it on and off (``SPEED_PATH=0``).
"""

import hashlib
import importlib
import inspect
import logging
import threading
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar

from odoo import fields
from odoo.exceptions import ConcurrencyError, UserError
from odoo.tools import (
    SQL,
    OrderedSet,
    float_compare,
    float_is_zero,
    float_round,
    split_every,
)

from .product_template import tracks_serials_physically

_logger = logging.getLogger(__name__)

SPEED_PATH_PARAM = "serial_tracking.speed_path"
SPEED_PATH_OFF = "0"

# The Odoo methods the addon's copies mirror or rely on: (model, method, the
# module of Odoo that defines or extends it) -> sha256 of its source there, as
# the copies were written against, whitespace normalised (source_fingerprint).
# A method of the ORM's own classes (a field type, the environment, the
# registry) is named by its class instead of a model.
MIRRORED_METHODS = {
    (
        "stock.move.line",
        "_create_and_assign_production_lot",
        "odoo.addons.stock.models.stock_move_line",
    ): "3f87ea6d92ccd536c7e74b3dbb3e3f53a44b700a44e5d75a3bc1d5f5584280c6",
    (
        "stock.move.line",
        "write",
        "odoo.addons.stock.models.stock_move_line",
    ): "1de09d100b4421696a6e5c044df46b877f74510f1a3e8880a21c58c5e3bf5a00",
    (
        "stock.move.line",
        "write",
        "odoo.addons.stock_account.models.stock_move_line",
    ): "2f009019b5bf0c0fac36de5d3d6d276bcd4a87cd4eaec4652e67b9b102813d4b",
    (
        "stock.move.line",
        "write",
        "odoo.orm.models",
    ): "2b39e874ec3522b408bb9084b25fe99db2682ae5ddc97742b06a76362bfb3e17",
    (
        "stock.move.line",
        "_update_stock_move_value",
        "odoo.addons.stock_account.models.stock_move_line",
    ): "eb04d8a8005edfa41eccc06acdce894099c3c89efe26f6abddb5173669cc40d1",
    (
        "stock.quant",
        "_update_available_quantity",
        "odoo.addons.stock.models.stock_quant",
    ): "9ff6e5db453c0ff16a4e2ca07d7a5e4a6f7b550dd8e53abd481c63b6ed3c6118",
    (
        "stock.quant",
        "_update_reserved_quantity",
        "odoo.addons.stock.models.stock_quant",
    ): "49316452fc8bb2a26cf4e36d8800146ff1c2af48f1dd4431634d53268d88ae23",
    (
        "stock.quant",
        "_gather",
        "odoo.addons.stock.models.stock_quant",
    ): "91e06f16b9413a4bac58aa932f767a73429aca59407038f5e7d917f764178f03",
    (
        "stock.quant",
        "try_lock_for_update",
        "odoo.orm.models",
    ): "6add562c9ea3e5d6ecf82c9e8b5920fb52600422af9328ff11f78f3200500ba8",
    (
        "stock.quant",
        "create",
        "odoo.addons.stock.models.stock_quant",
    ): "afc88d5ec5784be0688dcde9e03b2f051766d4326e93f384cc1e870f0c6eb0a3",
    (
        "stock.quant",
        "_compute_inventory_date",
        "odoo.addons.stock.models.stock_quant",
    ): "7baea7f8bf646b397489abfed4840295f13a467793c13977ad7ccbd45f2dc26c",
    (
        "stock.quant",
        "_compute_inventory_diff_quantity",
        "odoo.addons.stock.models.stock_quant",
    ): "7bc36306a1574ed3ab92a9ad63eb7eb062dc3a46293e3264f267ba5ded6dd976",
    (
        "stock.quant",
        "_get_reserve_quantity",
        "odoo.addons.stock.models.stock_quant",
    ): "54a5cf0ec9eb95384c2e47f8b5aba97e00a8d2f83e9defc33111b5e9ba3b2e90",
    (
        "stock.quant",
        "_get_available_quantity",
        "odoo.addons.stock.models.stock_quant",
    ): "3f72db66ed7036f7fcfbf333b6502603bdda5f20d0c8ba43ae6391420d7f7ee5",
    (
        "stock.move",
        "_update_reserved_quantity_vals",
        "odoo.addons.stock.models.stock_move",
    ): "9bdfa0273261baebcabe955afcc0d2cd0cbed39bc22bf2f4c0a5a54493ad89cb",
    (
        "stock.move",
        "_prepare_move_line_vals",
        "odoo.addons.stock.models.stock_move",
    ): "8a2e8c92fc339eac5bb837d3755e8a50bee66310636fdcfbd8ce74c12d92be0b",
    (
        "stock.move",
        "_get_out_move_lines",
        "odoo.addons.stock_account.models.stock_move",
    ): "1ea68d560249773deb56edd1e0f128538f281217411f72f2e133640c4ae0a36c",
    (
        "stock.move.line",
        "_action_done",
        "odoo.addons.stock.models.stock_move_line",
    ): "fb7d398b88e7c2f7ffb825e5e24fa550d5ed75b66862d941827e447300bf5691",
    (
        "stock.move.line",
        "_synchronize_quant",
        "odoo.addons.stock.models.stock_move_line",
    ): "851fab12835833630c895083a4c7f037cea3e277369b70b7d5628a3b611d8f04",
    (
        "stock.move.line",
        "_free_reservation",
        "odoo.addons.stock.models.stock_move_line",
    ): "98be9294654d2ebcf5511473c1d1d010f6c0de6f8ee55cd240ad1e9a437f6621",
    (
        "stock.move.line",
        "_apply_putaway_strategy",
        "odoo.addons.stock.models.stock_move_line",
    ): "bedcbfb090bde6dcaccf4abee406debf64757e520ff806fb5691be2eb0e54275",
    (
        "stock.picking",
        "_get_lot_move_lines_for_sanity_check",
        "odoo.addons.stock.models.stock_picking",
    ): "f7f1971006000f4cc5f4c40d96a8bd458616b55b7d668a96c8663ae2a580a78f",
    (
        "stock.picking",
        "_sanity_check",
        "odoo.addons.stock.models.stock_picking",
    ): "d391492a66f93dea87a227bfd27cd8324be0bada0a3faab36bfed97d0fdf44ce",
    (
        "stock.move",
        "_get_picked_quantity",
        "odoo.addons.stock.models.stock_move",
    ): "62c0f32e4802a5a66bcbc6d742e8b83352373924751b739b19fc8e87dbc42d94",
    (
        "stock.picking",
        "_check_entire_pack",
        "odoo.addons.stock.models.stock_picking",
    ): "25bbd19396c728dccfbd984343fb8185d975aba104a4a902653ce76ffaac42d0",
    (
        "stock.location",
        "_get_putaway_strategy",
        "odoo.addons.stock.models.stock_location",
    ): "d185f2ad28657e6915b52d6b6f7840768b52a053194e56ab19697f4b17d65dc6",
    # create_quants: the ORM's create and what its _create leaves in the
    # cache, the inverse one2many fields and what depends on new records
    (
        "stock.quant",
        "create",
        "odoo.orm.models",
    ): "f3ba44a21ec47f96b3d947810d56490a0dfbcff57c6b504b2ba411f300eab9b4",
    (
        "stock.quant",
        "_create",
        "odoo.orm.models",
    ): "a03cb0cb2007f49abb267cac8d9551c9d459c33712026cbb73edb830c9417d2b",
    (
        "stock.quant",
        "modified",
        "odoo.orm.models",
    ): "44314108feca69f27b326aa726bae318b3f309b629f671d9471f3d5b6d88ec2c",
    (
        "Field",
        "_insert_cache",
        "odoo.orm.fields",
    ): "d8bd5b373c27b1b4e03c7c98a779a01925c6b2efacc1b7da4568332346ae6108",
    (
        "Many2one",
        "_update_inverses",
        "odoo.orm.fields_relational",
    ): "a04570931ffcd31968c9d561a36cd9dde825c5638a50ceef4fd1ce08ee518d14",
    (
        "Environment",
        "protecting",
        "odoo.orm.environments",
    ): "61afb20cb50ae8d1fefb5a7b4bdcc693a157a8937488f7a5f5f1fc682f78d054",
    # write_each: the ORM's write of one field, through the field's own write
    # (a serial: many2one; a serial name: char), its access and constraint
    # checks and the registry's dependencies
    (
        "Field",
        "write",
        "odoo.orm.fields",
    ): "a6936b81f98784084a55ca0015db9e4b86e2a70a599bdeacde1306648b07c589",
    (
        "Many2one",
        "write",
        "odoo.orm.fields_relational",
    ): "539787ef64dcf6c3ac141d7d14b65e4f8a72d04c8913232b613118ee1dd409bd",
    (
        "BaseString",
        "write",
        "odoo.orm.fields_textual",
    ): "7d90cae6c0c21baac55a89abea313851d7b6722593256a4dc4812f087f51d0f7",
    (
        "stock.move.line",
        "_check_field_access",
        "odoo.orm.models",
    ): "20c067f4b676aae9a1c490e5c183cb7cd7b80a7684660aaa8690a4258129d7a3",
    (
        "stock.move.line",
        "_validate_fields",
        "odoo.orm.models",
    ): "41584091e8b71201e1e5d5457c0a7ee639eb9bc7366660447c5e0dab1dfba1cc",
    (
        "Registry",
        "is_modifying_relations",
        "odoo.orm.registry",
    ): "eebf8ef53d0521d811ab945a04de70da5aaaa8e5be719b62c85c5359cfb1cfcb",
    # check_company_in_bulk (models/serial_bulk.py): the ORM's company check
    # of serials and of move lines
    (
        "stock.lot",
        "_check_company",
        "odoo.orm.models",
    ): "aa1817cc2071c07d0acf38bae57f2f951e639691ce1e5462d491c2677a7a188f",
    (
        "stock.move.line",
        "_check_company",
        "odoo.orm.models",
    ): "aa1817cc2071c07d0acf38bae57f2f951e639691ce1e5462d491c2677a7a188f",
    # the serials' batched creation (models/stock_lot.py): the ORM's create,
    # asking default_get once per record, and the precomputed fields, the
    # company of a serial among them
    (
        "stock.lot",
        "create",
        "odoo.orm.models",
    ): "f3ba44a21ec47f96b3d947810d56490a0dfbcff57c6b504b2ba411f300eab9b4",
    (
        "stock.lot",
        "default_get",
        "odoo.orm.models",
    ): "94c8e1413f98759323218a3fa76b62b9b7f910215ddf8468f230f46616ff4c58",
    (
        "stock.lot",
        "default_get",
        "odoo.addons.stock.models.stock_lot",
    ): "f584bdeade5c112ae47f9e10376e85bf07d9117917124b06d7113f696043495b",
    (
        "stock.lot",
        "_add_precomputed_values",
        "odoo.orm.models",
    ): "42ff75a9f5c8f57bec2052c68ef17028fcc710f1d027fd6a4c9a66c1905fcd74",
    (
        "stock.lot",
        "_compute_company_id",
        "odoo.addons.stock.models.stock_lot",
    ): "8a7ef91336f69cabc8cad553a4801a8fe2a51eaa44b012bf30ba70df84407260",
    # the set-based status change of serials (stock.lot._serial_change_in_place):
    # the serial's write, of the ORM and of each module of Odoo extending it,
    # and the fields the registry says depend on those written
    (
        "stock.lot",
        "write",
        "odoo.orm.models",
    ): "2b39e874ec3522b408bb9084b25fe99db2682ae5ddc97742b06a76362bfb3e17",
    (
        "stock.lot",
        "write",
        "odoo.addons.stock.models.stock_lot",
    ): "fd1d2c7bddec7610b7a0ea82b5ae5aefedd4d991f838857b1524db8d2f79eb8f",
    (
        "stock.lot",
        "write",
        "odoo.addons.stock_account.models.stock_lot",
    ): "7110f075f7901538d728c43077d7705c805c69ca244ff49d0e45224ce03c9186",
    (
        "stock.lot",
        "write",
        "odoo.addons.mail.models.mail_thread",
    ): "d1196323e312d2ad237fda28c596e21bb0fd9806f249614e6e92bb402816df04",
    (
        "Registry",
        "get_dependent_fields",
        "odoo.orm.registry",
    ): "306c043fd0e57de492e1c00a2a7ccab5351aceeb6b7196eadee19c81d8a36a9d",
}

# the validation's checks over every line of a transfer (Validate, and the
# last step of a validation in slices)
SANITY_CHECK_METHODS = (
    ("stock.picking", "_get_lot_move_lines_for_sanity_check"),
    ("stock.picking", "_sanity_check"),
)
PICKED_QUANTITY_METHODS = (("stock.move", "_get_picked_quantity"),)
ENTIRE_PACK_METHODS = (("stock.picking", "_check_entire_pack"),)

# Odoo methods whose extension by another module makes a part of the speed
# path step aside: its batched copy would leave that module's code out
VALIDATION_METHODS = (
    ("stock.move.line", "_action_done"),
    ("stock.move.line", "_synchronize_quant"),
)
PUTAWAY_METHODS = (
    ("stock.move.line", "_apply_putaway_strategy"),
    ("stock.location", "_get_putaway_strategy"),
)
LOT_ASSIGNMENT_METHODS = (
    ("stock.move.line", "_create_and_assign_production_lot"),
    ("stock.move.line", "write"),
)
COMPANY_CHECK_METHODS = (
    ("stock.lot", "_check_company"),
    ("stock.move.line", "_check_company"),
)
LOT_PRECOMPUTE_METHODS = (("stock.lot", "_compute_company_id"),)
LOT_WRITE_METHODS = (("stock.lot", "write"),)


def speed_path_applies(records, products=None, steps_aside_for=()):
    """Whether the speed path does the work for ``records`` (any recordset:
    its environment is what counts), the one check of every override:

    * the switch ``serial_tracking.speed_path`` is not ``0``;
    * the running Odoo's mirrored methods are those the copies were written
      against (:func:`changed_methods`);
    * no other module extends the Odoo methods ``steps_aside_for`` names
      ((model, method) pairs): a batched copy would leave its code out;
    * ``products``, when given, are all storable Track Serials products in
      physical mode (and there is at least one).

    Whatever the arguments of the call itself rule out (a given serial,
    package or owner, a strict reservation...) the override checks."""
    env = records.env
    if (
        env["ir.config_parameter"].sudo().get_param(SPEED_PATH_PARAM, "1").strip()
        == SPEED_PATH_OFF
    ):
        return False
    state = _registry_state(env)
    if state["changed"]:
        return False
    if any(_extended_elsewhere(env, state, key) for key in steps_aside_for):
        return False
    if products is not None:
        return bool(products) and all(
            product.is_storable
            and product.tracking == "serial"
            and tracks_serials_physically(product)
            for product in products
        )
    return True


def speed_path_products(products):
    """Those of ``products`` the speed path moves (the quant batch holds back
    their updates): storable Track Serials products in physical mode."""
    return products.filtered(
        lambda product: product.is_storable and tracks_serials_physically(product)
    )


_STATE_LOCK = threading.Lock()


def _registry_state(env):
    """What the speed path knows of the running code, worked out once per
    registry (the code does not change without a new one): the mirrored
    methods that differ from those written against, and (filled as asked)
    which methods another module extends."""
    registry = env.registry
    state = getattr(registry, "_serial_speed_path_state", None)
    if state is None:
        with _STATE_LOCK:
            state = getattr(registry, "_serial_speed_path_state", None)
            if state is None:
                changed = changed_methods(env)
                if changed:
                    _logger.warning(
                        "The stock speed path of serial_tracking is switched off: "
                        "these Odoo methods differ from those it mirrors, so Odoo's "
                        "own code does the work: %s. Check the copies in "
                        "serial_tracking/models/stock_speed_path.py against them, "
                        "then record their new fingerprints (MIRRORED_METHODS).",
                        ", ".join(
                            f"{model}.{method} ({module})"
                            for model, method, module in changed
                        ),
                    )
                state = {"changed": changed, "extended": {}}
                registry._serial_speed_path_state = state
    return state


def forget_registry_state(env):
    """Work the guard out again at the next use (after the recorded
    fingerprints changed, in tests)."""
    env.registry.__dict__.pop("_serial_speed_path_state", None)


def _extended_elsewhere(env, state, key):
    """Whether a module other than those of Odoo the speed path knows for the
    method ``key`` ((model, method)) and this addon extends it."""
    if key not in state["extended"]:
        model, method = key
        own = {
            module
            for known_model, known_method, module in MIRRORED_METHODS
            if (known_model, known_method) == key
        }
        state["extended"][key] = any(
            method in vars(cls)
            and cls.__module__.startswith("odoo.addons.")
            and cls.__module__ not in own
            and not cls.__module__.startswith("odoo.addons.serial_tracking.")
            for cls in type(env[model]).__mro__
        )
    return state["extended"][key]


def source_fingerprint(function):
    """sha256 of a function's source, whitespace normalised (indentation,
    line breaks and blank lines do not count)."""
    source = " ".join(inspect.getsource(function).split())
    return hashlib.sha256(source.encode()).hexdigest()


def current_fingerprints(env):
    """The fingerprints of the running Odoo's mirrored methods, as
    :data:`MIRRORED_METHODS` records them: ``(model, method, module) ->
    fingerprint``, None where the module no longer has the method. In ``odoo
    shell``: ``from odoo.addons.serial_tracking.models.stock_speed_path import
    current_fingerprints; print(current_fingerprints(env))``."""
    fingerprints = {}
    for model, method, module in MIRRORED_METHODS:
        if model in env.registry:
            classes = type(env[model]).__mro__
        else:
            # a class of the ORM (a field type, the environment, the registry)
            try:
                owner = importlib.import_module(module)
            except ImportError:
                owner = None
            classes = [getattr(owner, model, None)]
        function = next(
            (
                vars(cls)[method]
                for cls in classes
                if cls is not None and cls.__module__ == module and method in vars(cls)
            ),
            None,
        )
        fingerprints[model, method, module] = (
            source_fingerprint(function) if function is not None else None
        )
    return fingerprints


def changed_methods(env):
    """The mirrored methods whose running source is not the one recorded."""
    current = current_fingerprints(env)
    return tuple(
        key for key, recorded in MIRRORED_METHODS.items() if current[key] != recorded
    )


# the stored fields of stock.quant in Odoo's stock and stock_account
SERIAL_QUANT_COLUMNS = {
    "id",
    "product_id",
    "company_id",
    "location_id",
    "lot_id",
    "package_id",
    "owner_id",
    "quantity",
    "reserved_quantity",
    "in_date",
    "inventory_quantity",
    "inventory_diff_quantity",
    "inventory_date",
    "inventory_quantity_set",
    "user_id",
    "accounting_date",
    "create_uid",
    "create_date",
    "write_uid",
    "write_date",
}

_QUANT_BATCH = ContextVar("serial_quant_batch", default=None)


class SerialQuantBatch:
    """Quant updates of serial numbers, held back and written together.

    Odoo moves stock one unit at a time: for each serial of a transfer it
    searches the unit's quant, locks it, writes it and reads the available
    quantity back (three or four times per unit when a delivery is reserved
    and validated). For the serials of Track Serials products, each on one
    quant of its own at a location holding no untracked units of the product,
    this batch applies the very same rules to the quants it locked beforehand
    (:meth:`update` mirrors ``stock.quant._update_available_quantity``) and
    writes the results with one write per distinct value and one create.
    Anything else goes to Odoo's own code, after what is held back is written.
    """

    def __init__(self, candidate_keys, leaving_keys=None):
        # called once, at the first update: the move lines may not exist before
        self.candidate_keys = candidate_keys
        self.leaving_keys = leaving_keys
        self.states = None  # (product, location, lot) ids -> quant state, once prepared
        self.pending = False
        self.changed_order = []

    # -- preparation ---------------------------------------------------
    def prepare(self, env):
        if self.states is None:
            self._prepare(env)

    def _prepare(self, env):
        self.states = {}
        # what uom.uom.compare rounds to, looked up once instead of per unit
        self.digits = quant_digits(env)
        keys = {key for key in self.candidate_keys() if all(key)}
        products = speed_path_products(
            env["product.product"].browse({key[0] for key in keys})
        )
        product_ids = set(products.ids)
        keys = [key for key in keys if key[0] in product_ids]
        if not keys:
            return
        Quant = env["stock.quant"].sudo()
        Quant.flush_model()
        where = SQL(
            """product_id = ANY(%s) AND location_id = ANY(%s)
               AND (lot_id = ANY(%s) OR lot_id IS NULL)
               AND package_id IS NULL AND owner_id IS NULL""",
            list(product_ids),
            list({key[1] for key in keys}),
            list({key[2] for key in keys}),
        )
        # Odoo locks each quant before writing it, skipping those another
        # transaction holds (it never waits); lock them all, in one order,
        # reading them under the lock
        env.cr.execute(
            SQL(
                """SELECT id, product_id, location_id, lot_id, quantity,
                      reserved_quantity, in_date, inventory_quantity,
                      inventory_quantity_set
                 FROM stock_quant WHERE %s ORDER BY id FOR NO KEY UPDATE SKIP LOCKED""",
                where,
            )
        )
        rows = env.cr.fetchall()
        env.cr.execute(SQL("SELECT count(*) FROM stock_quant WHERE %s", where))
        if env.cr.fetchone()[0] != len(rows):
            # Where Odoo would make a second, negative quant of a unit that
            # another transaction is moving, the batch does not wait either:
            # Odoo's request layer runs the validation again a moment later,
            # when the unit is either still there or gone.
            raise ConcurrencyError(
                env._(
                    "Another operation is moving some of these units right now; "
                    "validate again in a moment."
                )
            )
        # the values just read, in the cache as a read under the lock puts them
        quants = Quant.browse([row[0] for row in rows])
        columns = ("quantity", "reserved_quantity", "in_date")
        quants.invalidate_recordset(columns)
        for index, fname in enumerate(columns, start=4):
            Quant._fields[fname]._insert_cache(quants, [row[index] for row in rows])
        by_key, untracked = defaultdict(list), set()
        for quant_id, product_id, location_id, lot_id, *values in rows:
            if lot_id:
                by_key[product_id, location_id, lot_id].append((quant_id, *values))
            else:
                untracked.add((product_id, location_id))
        locations = env["stock.location"].browse({key[1] for key in keys})
        bypass = {
            location.id: location.should_bypass_reservation() for location in locations
        }
        for key in keys:
            found = by_key.get(key, [])
            if (key[0], key[1]) in untracked or len(found) > 1:
                continue
            quant_id, quantity, reserved, in_date, counted, counted_set = (
                found[0] if found else (None, None, 0.0, False, 0.0, False)
            )
            self.states[key] = {
                "quant_id": quant_id,
                "quantity": quantity or 0.0,
                # a quant made by a reservation alone has no quantity (NULL)
                "quantity_set": quantity is not None,
                "reserved_quantity": reserved or 0.0,
                "in_date": in_date or False,
                "written": {
                    "quantity": quantity,
                    "reserved_quantity": reserved,
                    "in_date": in_date,
                },
                "counted": counted if counted_set else None,
                "bypass": bypass[key[1]],
                "changed": False,
            }
        if self.leaving_keys:
            self._check_leaving(env)

    def _check_leaving(self, env):
        """A unit leaves stock only if it is there, checked under the lock: a
        transaction that shipped it meanwhile has emptied its quant."""
        missing = [
            key
            for key in self.leaving_keys()
            if key in self.states
            and float_compare(
                self.states[key]["quantity"], 1, precision_digits=self.digits
            )
            < 0
        ]
        if missing:
            lots = env["stock.lot"].browse([key[2] for key in missing])
            locations = env["stock.location"].browse([key[1] for key in missing])
            raise UserError(
                "\n".join(
                    env._(
                        "%(serial)s cannot leave %(location)s: it is not "
                        "there%(where)s.",
                        serial=lot.name,
                        location=location.display_name,
                        where="",
                    )
                    for lot, location in list(zip(lots, locations, strict=True))[:20]
                )
            )

    def takes(self, env, product, location, lot, package, owner):
        if not lot or package or owner:
            return False
        self.prepare(env)
        return (product.id, location.id, lot.id) in self.states

    # -- Odoo's rules, on the held-back state ----------------------------
    def update(self, product, location, lot, quantity, reserved_quantity, in_date):
        return self.update_key(
            (product.id, location.id, lot.id), quantity, reserved_quantity, in_date
        )

    def update_key(self, key, quantity, reserved_quantity, in_date):
        """``stock.quant._update_available_quantity`` for the quant of ``key``
        ((product, location, lot) ids): returns the available quantity and the
        incoming date, as Odoo does."""
        state = self.states[key]
        exists = state["quant_id"] is not None or state["changed"]
        dates = []
        if (
            exists
            and not state["bypass"]
            and state["in_date"]
            and float_compare(state["quantity"], 0, precision_digits=self.digits) > 0
        ):
            dates.append(state["in_date"])
        if in_date:
            dates.append(in_date)
        in_date = min(dates) if dates else fields.Datetime.now()
        if quantity:
            state["quantity_set"] = True
        if exists:
            if quantity:
                state["quantity"] += quantity
            if reserved_quantity:
                state["reserved_quantity"] = max(
                    0, state["reserved_quantity"] + reserved_quantity
                )
        else:
            state["quantity"] = quantity or 0.0
            state["reserved_quantity"] = reserved_quantity or 0.0
        state["in_date"] = in_date
        if not state["changed"]:
            # quants are created in the order Odoo would create them: the
            # oldest-first removal breaks ties on the quant id
            self.changed_order.append(key)
        state["changed"] = self.pending = True
        return state["quantity"] - state["reserved_quantity"], in_date

    def flush(self, env):
        """Write what is held back: one write per distinct set of values, one
        create for the new quants."""
        if not self.pending:
            return
        self.pending = False
        Quant = env["stock.quant"].sudo()
        writes, creates = defaultdict(list), []
        changed, self.changed_order = self.changed_order, []
        for product_id, location_id, lot_id in changed:
            state = self.states[product_id, location_id, lot_id]
            state["changed"] = False
            values = {
                "quantity": state["quantity"] if state["quantity_set"] else None,
                "reserved_quantity": state["reserved_quantity"],
                "in_date": state["in_date"],
            }
            if state["quant_id"] is None:
                creates.append(
                    {
                        "product_id": product_id,
                        "location_id": location_id,
                        "lot_id": lot_id,
                        "package_id": False,
                        "owner_id": False,
                        **values,
                    }
                )
                continue
            values = {
                name: value
                for name, value in values.items()
                if state["written"][name] != value
            }
            state["written"].update(values)
            if "quantity" in values:
                # written with the quantity, as Odoo computes it: otherwise
                # every quant whose quantity moved is written a second time
                counted = state["counted"]
                values["inventory_diff_quantity"] = (
                    counted - values["quantity"] if counted is not None else 0
                )
            if values:
                writes[tuple(sorted(values.items()))].append(state["quant_id"])
        for items, quant_ids in writes.items():
            Quant.browse(quant_ids).write(dict(items))
        if creates:
            created = create_quants(Quant, creates)
            for quant, vals in zip(created, creates, strict=False):
                state = self.states[
                    vals["product_id"], vals["location_id"], vals["lot_id"]
                ]
                state["quant_id"] = quant.id
                state["written"] = {
                    name: vals[name]
                    for name in ("quantity", "reserved_quantity", "in_date")
                }
                state["counted"] = None


@contextmanager
def serial_quant_batch(records, candidate_keys, leaving_keys=None):
    """Hold back quant updates while the block runs, for the (product,
    location, lot) ids ``candidate_keys()`` gives; written when it ends. The
    units of ``leaving_keys()`` must be there (checked under the lock).
    Yields None, holding nothing back, where the speed path does not apply
    or a batch is open already."""
    if _QUANT_BATCH.get() is not None or not speed_path_applies(records):
        yield None
        return
    env = records.env
    batch = SerialQuantBatch(candidate_keys, leaving_keys)
    token = _QUANT_BATCH.set(batch)
    try:
        yield batch
        batch.flush(env)
    finally:
        _QUANT_BATCH.reset(token)


def reserve_quantity(Quant, product_id, location_id, quantity, uom_id):
    """Odoo's ``_get_reserve_quantity`` for a reservation of serial units
    (not strict, any lot, package or owner), on values read with one query:
    Odoo reads each quant through the ORM several times, per unit. Same
    quants, same order, same quantities."""
    digits = quant_digits(Quant.env)

    def compare(value1, value2):
        return float_compare(value1, value2, precision_digits=digits)

    quants = Quant._gather(product_id, location_id, qty=quantity)
    columns = [
        "quantity",
        "reserved_quantity",
        "location_id",
        "lot_id",
        "package_id",
        "owner_id",
    ]
    quants.flush_recordset(columns)
    Quant.env.cr.execute(
        SQL(
            "SELECT id, %s FROM stock_quant WHERE id = ANY(%s)",
            SQL(", ").join(map(SQL.identifier, columns)),
            quants.ids,
        )
    )
    # a quant created by a reservation alone has no quantity (NULL)
    values = {
        quant_id: (on_hand or 0.0, reserved or 0.0, *place)
        for quant_id, on_hand, reserved, *place in Quant.env.cr.fetchall()
    }
    rows = [(quant, *values[quant.id]) for quant in quants]
    # _get_available_quantity: what is free per serial (and without serial),
    # counting only what is positive
    free_by_lot = defaultdict(float)
    for _quant, on_hand, reserved, _location, lot, _package, _owner in rows:
        free_by_lot[lot or "untracked"] += on_hand - reserved
    available_quantity = sum(
        free for free in free_by_lot.values() if compare(free, 0) > 0
    )
    packaging_uom = Quant.env.context.get("packaging_uom_id")
    if (
        packaging_uom
        and product_id.product_tmpl_id.categ_id.packaging_reserve_method == "full"
    ):
        available_quantity = packaging_uom._check_qty(
            available_quantity, product_id.uom_id, "DOWN"
        )
    quantity = min(quantity, available_quantity)
    if uom_id and product_id.uom_id != uom_id:
        quantity_move_uom = product_id.uom_id._compute_quantity(
            quantity, uom_id, rounding_method="DOWN"
        )
        quantity = uom_id._compute_quantity(
            quantity_move_uom, product_id.uom_id, rounding_method="HALF-UP"
        )
    if compare(quantity, int(quantity)) != 0 or compare(quantity, 0) <= 0:
        return []
    available_quantity = sum(row[1] for row in rows if compare(row[1], 0) > 0) - sum(
        row[2] for row in rows
    )
    negative_free = defaultdict(float)
    for _quant, on_hand, reserved, *place in rows:
        if compare(on_hand - reserved, 0) < 0:
            negative_free[tuple(place)] += on_hand - reserved
    reserved_quants = []
    for quant, on_hand, reserved, *place in rows:
        free = on_hand - reserved
        if compare(free, 0) <= 0:
            continue
        negative = negative_free[tuple(place)]
        if negative:
            taken_by_negative = min(abs(negative), free)
            negative_free[tuple(place)] += taken_by_negative
            free -= taken_by_negative
        if compare(free, 0) <= 0:
            continue
        free = min(free, quantity)
        reserved_quants.append((quant, free))
        quantity -= free
        available_quantity -= free
        if float_is_zero(quantity, precision_digits=digits) or float_is_zero(
            available_quantity, precision_digits=digits
        ):
            break
    return reserved_quants


def quant_digits(env):
    """The precision uom.uom.compare rounds quantities to."""
    return env["decimal.precision"].precision_get("Product Unit")


def create_quants(Quant, vals_list):
    """Quants as ``create`` makes them outside inventory mode, in one
    INSERT: Odoo's ``create`` makes them one at a time.
    Only the quant fields of Odoo's stock and stock_account are known
    here; when another module stores more, ``create`` does the work."""
    if (
        Quant._is_inventory_mode()
        or set(stored_quant_fields(Quant)) - SERIAL_QUANT_COLUMNS
    ):
        return Quant.create(
            [{"inventory_quantity_set": False, **vals} for vals in vals_list]
        )
    locations = Quant.env["stock.location"].browse(
        {vals["location_id"] for vals in vals_list}
    )
    company_of = {location.id: location.company_id.id or None for location in locations}
    # Odoo's _compute_inventory_date: only internal and transit quants get one
    next_count_of = {
        location.id: location._get_next_inventory_date() or None
        for location in locations
    }
    defaults = Quant.default_get(["reserved_quantity", "in_date"])
    now, uid = Quant.env.cr.now(), Quant.env.uid
    columns = [
        "product_id",
        "location_id",
        "lot_id",
        "package_id",
        "owner_id",
        "quantity",
        "reserved_quantity",
        "in_date",
        "company_id",
        "inventory_date",
        "inventory_quantity_set",
        "inventory_diff_quantity",
        "create_uid",
        "create_date",
        "write_uid",
        "write_date",
    ]
    rows = [
        (
            vals["product_id"],
            vals["location_id"],
            vals.get("lot_id") or None,
            vals.get("package_id") or None,
            vals.get("owner_id") or None,
            vals.get("quantity"),
            vals.get("reserved_quantity", defaults["reserved_quantity"]) or 0.0,
            vals.get("in_date") or defaults["in_date"],
            company_of[vals["location_id"]],
            next_count_of[vals["location_id"]],
            False,
            0.0,
            uid,
            now,
            uid,
            now,
        )
        for vals in vals_list
    ]
    ids = []
    for chunk in split_every(1000, rows):
        Quant.env.cr.execute(
            SQL(
                "INSERT INTO stock_quant (%s) VALUES %s RETURNING id",
                SQL(", ").join(map(SQL.identifier, columns)),
                SQL(", ").join(chunk),
            )
        )
        ids.extend(row[0] for row in Quant.env.cr.fetchall())
    quants = Quant.browse(ids)
    # the cache as the ORM's _create leaves it: the values just written, None
    # for the other stored fields (so that marking what depends on the new
    # quants reads nothing back)
    for index, fname in enumerate(columns):
        # a NULL quantity reads as 0.0, as the ORM reads it
        Quant._fields[fname]._insert_cache(
            quants,
            [
                0.0 if row[index] is None and fname == "quantity" else row[index]
                for row in rows
            ],
        )
    for fname, field in Quant._fields.items():
        if field.store and fname not in columns and fname != "id":
            empty = () if field.type in ("one2many", "many2many") else None
            field._insert_cache(quants, [empty] * len(rows))
    # what create does after its INSERT: the new quants added to the inverse
    # one2many fields already in the cache (a new serial's quants), computed
    # fields depending on quants, constraints
    for index, fname in enumerate(columns):
        field = Quant._fields[fname]
        if field.type != "many2one" or not Quant.pool.field_inverses[field]:
            continue
        quants_of = defaultdict(list)
        for quant_id, row in zip(ids, rows, strict=True):
            quants_of[row[index]].append(quant_id)
        for value, quant_ids in quants_of.items():
            field._update_inverses(Quant.browse(quant_ids), value)
    computed = [
        Quant._fields[fname] for fname in columns if Quant._fields[fname].compute
    ]
    with Quant.env.protecting(computed, quants):
        quants.modified(list(Quant._fields), create=True)
    quants._validate_fields(columns)
    cache = Quant.env.context.get("quants_cache")
    if cache is not None:
        for quant, vals in zip(quants, vals_list, strict=False):
            cache[
                vals["product_id"],
                vals["location_id"],
                vals.get("lot_id") or False,
                vals.get("package_id") or False,
                vals.get("owner_id") or False,
            ] |= quant
    return quants


def stored_quant_fields(Quant):
    return [
        name
        for name, field in Quant._fields.items()
        if field.store and field.column_type
    ]


def reserve_units(move, need, location_id):
    """Odoo's ``_update_reserved_quantity_vals`` for serial units: one line
    per unit, the line values built once for the move (Odoo builds them
    per unit). Odoo's ``_prepare_move_line_vals``
    takes only the location, serial, package and owner from the quant;
    those are set per unit."""
    move.ensure_one()
    reserved = (
        move.env["stock.quant"]
        .with_context(packaging_uom_id=move.packaging_uom_id)
        ._get_reserve_quantity(
            move.product_id, location_id, need, uom_id=move.product_uom, strict=False
        )
    )
    grouped = {}
    for quant, quantity in reserved:
        place = (
            quant.location_id.id,
            quant.lot_id.id,
            quant.package_id.id,
            quant.owner_id.id,
        )
        if place in grouped:
            grouped[place][1] += quantity
        else:
            grouped[place] = [quant, quantity]
    vals_list, taken_quantity, unit_vals = [], 0, None
    for place, (quant, quantity) in grouped.items():
        taken_quantity += quantity
        if unit_vals is None:
            unit_vals = move._prepare_move_line_vals(quantity=1, reserved_quant=quant)
        location, lot, package, owner = place
        vals_list.extend(
            {
                **unit_vals,
                "location_id": location,
                "lot_id": lot or False,
                "package_id": package or False,
                "owner_id": owner or False,
            }
            for _unit in range(int(quantity))
        )
    return vals_list, taken_quantity


def action_done_batched(lines, batch, rows):
    """Odoo's ``_action_done`` for lines that each move one serial unit of a
    Track Serials product, without package or owner, between places the
    batch holds: the same checks and the same three quant updates per
    line, on ``rows``, the lines' values as the validation read them
    (``SerialLineRow``, with the serials given since), instead of through
    the ORM per line. Returns False, having changed nothing, for any other
    set of lines: Odoo's code then does the work."""
    if not lines:
        return False
    if len(rows) != len(lines) or not speed_path_applies(
        lines,
        lines.env["product.product"].browse({row.product_id for row in rows}),
        VALIDATION_METHODS,
    ):
        return False
    if any(
        not row.move_id
        or not row.lot_id
        or row.package_id
        or row.result_package_id
        or row.owner_id
        for row in rows
    ):
        return False
    # the quantity checks, once per unit of measure and quantities (the
    # lines of a transfer share them)
    digits = lines.env["decimal.precision"].precision_get("Product Unit")
    for uom_id, quantity, quantity_product_uom in {
        (row.product_uom_id, row.quantity, row.quantity_product_uom) for row in rows
    }:
        uom = lines.env["uom.uom"].browse(uom_id)
        if (
            uom.compare(quantity, 0) <= 0
            or uom.is_zero(quantity_product_uom)
            # Odoo refuses a quantity its unit of measure cannot round to
            or float_compare(
                uom.round(quantity, rounding_method="HALF-UP"),
                float_round(
                    quantity, precision_digits=digits, rounding_method="HALF-UP"
                ),
                precision_digits=digits,
            )
            != 0
        ):
            return False
    batch.prepare(lines.env)
    if any(
        (row.product_id, location, row.lot_id) not in batch.states
        for row in rows
        for location in (row.location_id, row.location_dest_id)
    ):
        return False
    lines._check_company()
    bypass = {
        (move_id, location_id): lines.env["stock.move"]
        .browse(move_id)
        ._should_bypass_reservation(lines.env["stock.location"].browse(location_id))
        for move_id, location_id in {(row.move_id, row.location_id) for row in rows}
    }
    # Odoo's loop: unreserve, take out, put in; a unit taken out that
    # another line had reserved frees that reservation
    ignored_line_ids = OrderedSet()
    for row in rows:
        source = (row.product_id, row.location_id, row.lot_id)
        quantity = row.quantity_product_uom
        if not bypass[row.move_id, row.location_id]:
            batch.update_key(source, False, -quantity, False)
        available_quantity, in_date = batch.update_key(source, -quantity, False, False)
        batch.update_key(
            (row.product_id, row.location_dest_id, row.lot_id), quantity, False, in_date
        )
        # _free_reservation returns at once where the move bypasses
        # reservation at the source (a receipt's vendor location): not called
        if available_quantity < 0 and not bypass[row.move_id, row.location_id]:
            line = lines.browse(row.id)
            line.with_context(quants_cache=None)._free_reservation(
                line.product_id,
                line.location_id,
                abs(available_quantity),
                lot_id=line.lot_id,
                package_id=line.package_id,
                owner_id=line.owner_id,
                ml_ids_to_ignore=ignored_line_ids,
            )
        ignored_line_ids.add(row.id)
    lines.write({"date": fields.Datetime.now()})
    return True


def lines_products(lines):
    """The products of ``lines``, asked of the database: for the many lines
    of a large move, without reading every line into the ORM."""
    lines.flush_recordset(["product_id"])
    lines.env.cr.execute(
        SQL(
            "SELECT DISTINCT product_id FROM stock_move_line WHERE id = ANY(%s)",
            lines.ids,
        )
    )
    return lines.env["product.product"].browse(
        row[0] for row in lines.env.cr.fetchall()
    )


def putaway_is_destination(lines):
    """Whether Odoo's putaway would send each of ``lines`` (of products the
    speed path applies to) to the destination it already has: the line
    follows its move, into no package, and that destination has no putaway
    rule. Asked of the database in one query: Odoo asks it again of every line
    of a move each time lines are added to it (a slice of a large Mark as To
    Do), so reading the lines here would grow with the move."""
    env = lines.env
    lines.flush_recordset(["move_id", "result_package_id", "location_dest_id"])
    env["stock.move"].flush_model(["location_dest_id"])
    env.cr.execute(
        SQL(
            """SELECT DISTINCT move.location_dest_id FROM stock_move move
                 JOIN stock_move_line line ON line.move_id = move.id
                WHERE line.id = ANY(%s)""",
            lines.ids,
        )
    )
    destinations = env["stock.location"].browse(row[0] for row in env.cr.fetchall())
    asked = [
        location.id
        for location in destinations
        if location.usage != "view"
        and not location._check_access_putaway().putaway_rule_ids
    ]
    if not asked:
        return False
    env.cr.execute(
        SQL(
            """SELECT 1 FROM stock_move_line line
          LEFT JOIN stock_move move ON move.id = line.move_id
              WHERE line.id = ANY(%s)
                AND (move.id IS NULL OR line.result_package_id IS NOT NULL
                     OR line.location_dest_id != move.location_dest_id
                     OR line.location_dest_id != ALL(%s))
              LIMIT 1""",
            lines.ids,
            asked,
        )
    )
    return not env.cr.fetchone()


def lines_lacking_serial(pickings, none_done_picking_ids, separate_pickings):
    """Odoo's ``_get_lot_move_lines_for_sanity_check`` for the lines its one
    caller, ``_sanity_check``, looks at: lines of tracked products that name
    no serial (no lot, no lot name), which it reports; the others it passes.
    Those lines are asked of the database, and Odoo's own choice of the lines
    to check (all of a transfer with no quantity set, else the lines picked
    with a quantity) is made on them: Odoo's reads every line of the
    transfers, done ones included."""
    env = pickings.env
    env["stock.move.line"].flush_model(
        ["picking_id", "product_id", "lot_id", "lot_name"]
    )
    env.cr.execute(
        SQL(
            """SELECT line.id FROM stock_move_line line
                 JOIN product_product product ON product.id = line.product_id
                 JOIN product_template template ON template.id = product.product_tmpl_id
                WHERE line.picking_id = ANY(%s) AND template.tracking != 'none'
                  AND line.lot_id IS NULL AND COALESCE(line.lot_name, '') = ''
             ORDER BY line.id""",
            pickings.ids,
        )
    )
    lacking = env["stock.move.line"].browse(row[0] for row in env.cr.fetchall())

    def with_quantity(lines):
        return lines.filtered(
            lambda line: line.picked and line.product_uom_id.compare(line.quantity, 0)
        )

    if separate_pickings:
        return lacking.filtered(
            lambda line: line.picking_id.id in none_done_picking_ids
        ) | with_quantity(
            lacking.filtered(
                lambda line: line.picking_id.id not in none_done_picking_ids
            )
        )
    if any(picking.id not in none_done_picking_ids for picking in pickings):
        return with_quantity(lacking)
    return lacking


def all_lines_picked(move):
    """Whether every line of ``move`` is picked, asked of the database (with
    what the transaction changed): Odoo's ``_get_picked_quantity`` reads every
    line to know it."""
    env = move.env
    env["stock.move.line"].flush_model(["move_id", "picked"])
    env.cr.execute(
        SQL(
            "SELECT 1 FROM stock_move_line WHERE move_id = %s AND NOT picked LIMIT 1",
            move.id,
        )
    )
    return not env.cr.fetchone()


def no_line_in_a_package(pickings):
    """Whether no line of ``pickings`` takes from or puts into a package,
    asked of the database: Odoo's ``_check_entire_pack`` reads every line of
    the transfers to find their packages, and finding none does nothing."""
    env = pickings.env
    env["stock.move.line"].flush_model(
        ["picking_id", "package_id", "result_package_id"]
    )
    env.cr.execute(
        SQL(
            """SELECT 1 FROM stock_move_line
                WHERE picking_id = ANY(%s)
                  AND (package_id IS NOT NULL OR result_package_id IS NOT NULL)
                LIMIT 1""",
            pickings.ids,
        )
    )
    return not env.cr.fetchone()


def assign_new_lots(lines):
    """Odoo's ``_create_and_assign_production_lot`` for lines that each name a new
    serial of a product the speed path applies to (a receipt): the lots created
    with one ``create`` of the values Odoo prepares, as Odoo creates them; then
    the lines' serials written through the ORM's own ``write``, for all lines at
    once (:func:`write_each`), without the per-line work of the move line
    ``write`` of Odoo's stock and stock_account, which for these lines does
    nothing but re-value their move: they are not done, their move is not done,
    they are in no package and their source bypasses reservation (nothing to
    unreserve and reserve again), so the next moves to assign again are none.
    The moves are valued once, after all lines, as the last of Odoo's per-line
    writes leaves them. Returns False, having done nothing, for any other lines:
    Odoo's code then does the work."""
    if not lines or not speed_path_applies(
        lines, lines.product_id, LOT_ASSIGNMENT_METHODS
    ):
        return False
    keys = [(line.product_id.id, line.lot_name) for line in lines]
    if len(set(keys)) != len(keys) or any(
        not line.lot_name
        or line.lot_id
        or not line.move_id
        or line.state == "done"
        or line.move_id.state == "done"
        or line.package_id
        or line.result_package_id
        or line.is_entire_pack
        for line in lines
    ):
        return False
    bypasses = {
        (move, location): move._should_bypass_reservation(location)
        for move, location in {(line.move_id, line.location_id) for line in lines}
    }
    if not all(bypasses.values()):
        return False
    lots = lines.env["stock.lot"].create(
        [line._prepare_new_lot_vals() for line in lines]
    )
    write_lots_valued(lines, lots)
    return True


def write_lots_valued(lines, lots):
    """Write each of ``lines`` its serial of ``lots`` (in the same order)
    with :func:`write_each`, then value their moves once, as stock_account's
    move line ``write`` does per line: the quantities of lines of incoming and
    outgoing moves are read before the serials are written, and their moves
    valued again after."""
    quantity_of = {
        line: line.quantity
        for line in lines
        if line.move_id.is_in or line.move_id.is_out
    }
    write_each(lines, "lot_id", lots.ids)
    if quantity_of:
        lines._update_stock_move_value(quantity_of)


def write_each(records, fname, values):
    """The ORM's own ``write`` (``BaseModel.write``) of one stored field that
    is neither computed nor inversed, a value of its own for each record,
    done for all records at once instead of one ``write`` call per record:
    the same access checks, the same log columns, each value put in the cache
    and marked to be written (the next flush writes them grouped, as it does
    after any ``write``), what depends on the field marked before and after,
    and the field's constraints and company check run once on all records.
    Below ``BaseModel.write``, nothing of the model's own ``write``
    overrides runs: callers ask :func:`speed_path_applies` with the methods
    whose work they stand in for."""
    field = records._fields[fname]
    assert field.store and not field.compute and not field.inverse, field
    if not records:
        return
    records.check_access("write")
    records._check_field_access(field, "write")
    env = records.env
    if env.registry.is_modifying_relations(field):
        records.modified([fname], before=True)
    for record, value in zip(records, values, strict=True):
        field.write(record, value)
    log_fnames = []
    if records._log_access:
        log_fnames = ["write_uid", "write_date"]
        records._fields["write_uid"].write(records, env.uid)
        records._fields["write_date"].write(records, env.cr.now())
    records.modified([fname, *log_fnames])
    records._validate_fields([fname])
    if records._check_company_auto:
        records._check_company([fname])


def name_blank_lines(lines, names):
    """Give ``lines`` (lines of a receipt with neither a serial nor a serial
    name, as Odoo creates them when the receipt is marked as to do) the
    serial names ``names``, one each, as the move line ``write`` of
    ``lot_name`` would: for such lines Odoo's stock and stock_account
    ``write`` only pass ``lot_name`` on (it triggers nothing there). Returns
    False, having done nothing, where the speed path does not apply: the
    caller then replaces the lines by new ones, as before."""
    if not speed_path_applies(lines, lines.product_id, LOT_ASSIGNMENT_METHODS):
        return False
    write_each(lines, "lot_name", names)
    return True


def lot_blank_lines(lines, lots):
    """Give ``lines`` (lines of a receipt with neither a serial nor a serial
    name, as Odoo creates them when the receipt is marked as to do) the
    serials ``lots`` (its Expected units), one each, as the move line
    ``write`` of ``lot_id`` would: for such lines (not done, in no package,
    their source bypassing reservation: nothing to unreserve or reserve
    again) Odoo's stock ``write`` only passes the serial on, and stock_account's
    values their moves again, done once here after all lines, as
    :func:`assign_new_lots` does. Returns False, having done nothing, where
    the speed path does not apply: the caller then replaces the lines by new
    ones."""
    if not lines or not speed_path_applies(
        lines, lines.product_id, LOT_ASSIGNMENT_METHODS
    ):
        return False
    if not all(
        move._should_bypass_reservation(location)
        for move, location in {(line.move_id, line.location_id) for line in lines}
    ):
        return False
    write_lots_valued(lines, lots)
    return True


def assign_lots_first(lines):
    """The serials Odoo's ``_action_done`` gives, in its checks before its
    quant loop, to lines that name new ones (a receipt), given before the
    batched validation instead, so that it takes those lines too: the lines
    Odoo would give a new serial (a positive quantity, no serial yet, a
    transfer type that creates serials, a name), grouped by product and
    company as Odoo groups them, through ``_create_and_assign_production_lot``
    (:func:`assign_new_lots`). Where one of the names is a serial already, or
    a line needs its serial another way, Odoo's own checks do it all.
    Odoo's checks that refuse a line come after the serials either way; a
    refusal undoes them with the rest. Returns whether it assigned."""
    if not speed_path_applies(
        lines, lines.product_id, VALIDATION_METHODS + LOT_ASSIGNMENT_METHODS
    ):
        return False
    named = lines.filtered(lambda line: not line.lot_id)
    if not named or any(
        not line.lot_name
        or not line.move_id.picking_type_id.use_create_lots
        or line.product_uom_id.compare(line.quantity, 0) <= 0
        or not line._exclude_requiring_lot()
        for line in named
    ):
        return False
    if lines.env["stock.lot"].search_count(
        [
            ("product_id", "in", named.product_id.ids),
            ("name", "in", list(set(named.mapped("lot_name")))),
        ],
        limit=1,
    ):
        return False
    grouped = defaultdict(list)
    for line in named:
        grouped[line.product_id, line.company_id].append(line.id)
    lines.browse(
        [line_id for line_ids in grouped.values() for line_id in line_ids]
    )._create_and_assign_production_lot()
    return True


def out_move_lines(moves, lot=None):
    """Odoo's ``_get_out_move_lines``, collected in an ordered set: Odoo grows
    a recordset line by line, which is quadratic in the number of lines."""
    line_ids = OrderedSet()
    valued = {}
    for move_line in moves.move_line_ids:
        if lot and move_line.lot_id != lot:
            continue
        if not move_line.picked or move_line._should_exclude_for_valuation():
            continue
        source, destination = move_line.location_id, move_line.location_dest_id
        if (source, destination) not in valued:
            valued[source, destination] = (
                source._should_be_valued() and not destination._should_be_valued()
            )
        if valued[source, destination]:
            line_ids.add(move_line.id)
    return moves.env["stock.move.line"].browse(line_ids)
