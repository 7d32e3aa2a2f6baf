"""The rule expression language: arithmetic over indicator ids and numbers, parsed by Python's own
parser into a tree of allowed nodes and evaluated by walking it, never executed as code."""
from __future__ import annotations

import ast
import operator as op
import re
from dataclasses import dataclass
from functools import lru_cache

from tuphap.compute.figures import Figures
from tuphap.i18n import _

_ID = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+")


_ALLOWED = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub,
            ast.Constant, ast.Name, ast.Load)


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
               or isinstance(node, ast.Constant) and not isinstance(node.value, (int, float))]
        if bad:
            raise ValueError(_("{text!r} may only use indicator ids, numbers and + - * / ( )").format(text=text))
        return cls(text, tree, ids)

    def value(self, figures: Figures) -> float | None:
        """The value with this unit's figures; None when an indicator is missing or a division is by zero."""
        values = [figures.value(ind) for ind in self.ids]
        if any(v is None for v in values):
            return None
        env = {f"_v{i}": v for i, v in enumerate(values)}
        operators = {ast.Add: op.add, ast.Sub: op.sub, ast.Mult: op.mul, ast.Div: op.truediv}

        def walk(node):
            if isinstance(node, ast.Expression):
                return walk(node.body)
            if isinstance(node, ast.Constant):
                return float(node.value)
            if isinstance(node, ast.Name):
                return env[node.id]
            if isinstance(node, ast.UnaryOp):
                return -walk(node.operand)
            return operators[type(node.op)](walk(node.left), walk(node.right))

        try:
            return walk(self.tree)
        except ZeroDivisionError:
            return None
