"""The rule expression language: arithmetic over indicator ids and numbers, parsed by Python's own
parser into a tree of allowed nodes and evaluated by walking it, never executed as code."""
from __future__ import annotations

import ast
import operator as op
import re
from dataclasses import dataclass
from functools import lru_cache

from tuphap.compute.figures import Figures
from tuphap.compute.formatting import printable
from tuphap.i18n import _
from tuphap.limits import LARGEST_FIGURE

_ID = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+")


_ALLOWED = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub,
            ast.Constant, ast.Name, ast.Load)


class CannotCompute(ArithmeticError):
    """An expression that has no value with these figures: a division by zero (`divisor` is its text,
    `ids` its indicators, to point at their values rows), or else a result too large to compute or print."""

    def __init__(self, divisor: str = "", ids: tuple[str, ...] = ()):
        super().__init__(f"division by zero: {divisor}" if divisor else "too large")
        self.divisor, self.ids = divisor, ids


@dataclass(frozen=True)
class Expression:
    """Arithmetic over indicator ids and numbers ('100 * (ho_tich.tong - ho_tich.tre_han) / ho_tich.tong'),
    parsed by Python's own parser into a tree of the nodes allowed above, never executed as code."""
    text: str
    tree: ast.Expression
    ids: tuple[str, ...]

    @classmethod
    @lru_cache(maxsize=256)  # each rule's expressions are evaluated for every unit
    def parse(cls, text: str) -> "Expression":
        ids = tuple(dict.fromkeys(_ID.findall(text)))
        names = {ind: f"_v{i}" for i, ind in enumerate(ids)}
        try:
            tree = ast.parse(_ID.sub(lambda m: names[m.group(0)], text), mode="eval")
        except SyntaxError:
            raise ValueError(_("{text!r} is not an expression of indicator ids, numbers and + - * / ( )").format(
                text=text)) from None
        bad = [node for node in ast.walk(tree) if not isinstance(node, _ALLOWED)
               or isinstance(node, ast.Constant) and not isinstance(node.value, (int, float))
               or isinstance(node, ast.Name) and node.id not in names.values()]  # a word that is no indicator id
        if bad:
            raise ValueError(_("{text!r} may only use indicator ids, numbers and + - * / ( )").format(text=text))
        numbers = [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)]
        if any(abs(number) > LARGEST_FIGURE for number in numbers):
            raise ValueError(_("{text!r} holds a number larger than the largest figure, {limit}").format(
                text=text, limit=f"{LARGEST_FIGURE:,}".replace(",", ".")))
        expression = cls(text, tree, ids)
        for node in ast.walk(tree):  # a divisor made of numbers only is the same for every unit: check it once
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and \
                    not any(isinstance(n, ast.Name) for n in ast.walk(node.right)):
                try:
                    zero = expression._evaluate(node.right, {}) == 0
                except CannotCompute:  # a division by zero inside the divisor itself
                    zero = True
                if zero:
                    raise ValueError(_("{text!r} divides by {divisor}, which is always 0").format(
                        text=text, divisor=expression._source(node.right)))
        return expression

    def _source(self, node: ast.AST) -> str:
        """The text of a part of the expression, with the indicator ids written back."""
        return re.sub(r"_v(\d+)", lambda match: self.ids[int(match.group(1))], ast.unparse(node))

    def _evaluate(self, node: ast.AST, env: dict[str, float]) -> float:
        """The value of a node; CannotCompute for a division by zero."""
        if isinstance(node, ast.Expression):
            return self._evaluate(node.body, env)
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            return env[node.id]
        if isinstance(node, ast.UnaryOp):
            return -self._evaluate(node.operand, env)
        left, right = self._evaluate(node.left, env), self._evaluate(node.right, env)
        if isinstance(node.op, ast.Div) and right == 0:
            names = tuple(dict.fromkeys(self.ids[int(n.id[2:])] for n in ast.walk(node.right) if isinstance(n, ast.Name)))
            raise CannotCompute(self._source(node.right), names)
        return _OPERATORS[type(node.op)](left, right)

    def value(self, figures: Figures) -> float | None:
        """The value with this unit's figures; None when an indicator is missing. CannotCompute for a
        division by zero or a result too large to compute or print: the rule cannot be checked."""
        values = [figures.value(ind) for ind in self.ids]
        if any(v is None for v in values):
            return None
        result = self._evaluate(self.tree, {f"_v{i}": v for i, v in enumerate(values)})
        if not printable(result):
            raise CannotCompute()
        return result


_OPERATORS = {ast.Add: op.add, ast.Sub: op.sub, ast.Mult: op.mul, ast.Div: op.truediv}
