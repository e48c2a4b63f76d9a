"""The cart: what a visitor means to buy, grouped by the facility that made it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from sqlalchemy import select

from shop.core.errors import DomainError
from shop.core.i18n import lazy_gettext as _l
from shop.database import db
from shop.models import Cart, CartItem, Facility, ProductStatus, ProductVariant

MAX_QUANTITY_PER_LINE = 99


class CartError(DomainError):
    """The cart cannot be changed that way."""


class NotEnoughStock(CartError):
    pass


class NotForSale(CartError):
    pass


@dataclass(frozen=True)
class CartLine:
    item: CartItem
    variant: ProductVariant
    quantity: int

    @property
    def unit_price_idr(self) -> int:
        return self.variant.price_idr

    @property
    def total_idr(self) -> int:
        return self.variant.price_idr * self.quantity

    @property
    def weight_grams(self) -> int:
        return self.variant.product.weight_grams * self.quantity

    @property
    def for_sale(self) -> bool:
        return is_for_sale(self.variant)

    @property
    def available(self) -> bool:
        return self.for_sale and self.variant.stock >= self.quantity


@dataclass
class CartGroup:
    facility: Facility
    lines: list[CartLine] = field(default_factory=list)

    @property
    def subtotal_idr(self) -> int:
        return sum(line.total_idr for line in self.lines)

    @property
    def weight_grams(self) -> int:
        return sum(line.weight_grams for line in self.lines)


@dataclass(frozen=True)
class CartSummary:
    groups: list[CartGroup]

    @property
    def total_idr(self) -> int:
        return sum(group.subtotal_idr for group in self.groups)

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def problems(self) -> list[CartLine]:
        return [line for group in self.groups for line in group.lines if not line.available]


def new_cart() -> Cart:
    cart = Cart(token=secrets.token_urlsafe(32))
    db.session.add(cart)
    return cart


def find_cart(token: str) -> Cart | None:
    return db.session.scalar(select(Cart).where(Cart.token == token))


def is_for_sale(variant: ProductVariant) -> bool:
    product = variant.product
    return product.status is ProductStatus.PUBLISHED and product.facility.is_active


def add_item(*, cart: Cart, variant_id: int, quantity: int) -> CartItem:
    """Put `quantity` more of a variant in the cart, never more than the stock."""
    variant = _sellable_variant(variant_id)
    item = _item_of(cart, variant.id)
    wanted = quantity + (item.quantity if item is not None else 0)
    _check_quantity(variant, wanted, quantity)
    if item is None:
        item = CartItem(cart=cart, variant=variant, quantity=wanted)
        db.session.add(item)
    else:
        item.quantity = wanted
    return item


def set_quantity(*, cart: Cart, variant_id: int, quantity: int) -> None:
    """Change a line's quantity; zero removes it."""
    item = _item_of(cart, variant_id)
    if item is None:
        raise CartError(_l("Produk itu tidak ada di keranjang."))
    if quantity == 0:
        db.session.delete(item)
    else:
        _check_quantity(item.variant, quantity, quantity)
        item.quantity = quantity


def remove_item(*, cart: Cart, variant_id: int) -> None:
    set_quantity(cart=cart, variant_id=variant_id, quantity=0)


def summarise(cart: Cart | None) -> CartSummary:
    """The cart's lines with today's prices, grouped by facility in the order first added."""
    if cart is None:
        return CartSummary(groups=[])
    groups: dict[int, CartGroup] = {}
    for item in cart.items:
        facility = item.variant.product.facility
        group = groups.setdefault(facility.id, CartGroup(facility=facility))
        group.lines.append(CartLine(item=item, variant=item.variant, quantity=item.quantity))
    return CartSummary(groups=list(groups.values()))


def empty(cart: Cart) -> None:
    """Remove every line (after the order took them); the caller commits."""
    for item in list(cart.items):
        db.session.delete(item)


def _sellable_variant(variant_id: int) -> ProductVariant:
    variant = db.session.get(ProductVariant, variant_id)
    if variant is None or not is_for_sale(variant):
        raise NotForSale(_l("Produk ini tidak dijual."))
    return variant


def _item_of(cart: Cart, variant_id: int) -> CartItem | None:
    return next((i for i in cart.items if i.variant_id == variant_id), None)


def _check_quantity(variant: ProductVariant, wanted: int, asked: int) -> None:
    if asked < 1:
        raise CartError(_l("Jumlah minimal 1."))
    if wanted > MAX_QUANTITY_PER_LINE:
        raise CartError(_l("Paling banyak %(n)s per produk.", n=MAX_QUANTITY_PER_LINE))
    if variant.stock < 1:
        raise NotEnoughStock(
            _l("%(name)s sedang habis.", name=variant.product.name),
        )
    if wanted > variant.stock:
        raise NotEnoughStock(
            _l(
                "Stok %(name)s tinggal %(stock)s. Jumlah di keranjang tidak diubah.",
                name=variant.product.name,
                stock=variant.stock,
            )
        )
