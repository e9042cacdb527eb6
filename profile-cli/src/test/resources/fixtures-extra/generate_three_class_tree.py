#!/usr/bin/env python3
"""Generates three-class-tree.json, a small fixture of kind `tree` (format of fixtures/breast-cancer-tree.json)
whose expected values do not come from the library.

Run by hand, outside CI (the project's tests never call Python; only the standard library is used):

    python3 generate_three_class_tree.py > three-class-tree.json

The tree is grown by the plain exhaustive CART below, written from the task sentence alone: every feature, every
midpoint between consecutive distinct values, x <= threshold goes left, the split with the lowest weighted child
entropy (in bits) wins, min_samples_leaf / min_samples_split / max_depth as in the task. The script fails if two
candidate splits of any node come within 1e-9 of each other, so the tree does not depend on tie-breaking.

The forest's expected accuracy is 1.0: each test row sits inside its class in both features, away from the odd
rows. The script checks this with its own forest (bootstrap, one feature drawn per split and redrawn while it is
constant in the node, gini, grown to pure leaves, averaged leaf frequencies) over 200 seeds of Python's random
module: every seed must classify all six test rows. The tolerance (expected - 0.03) then requires all six right.
"""
import json
import math
import random
import sys

# (x0, x1) -> class. Classes 0, 1, 2 lie along the diagonal; row (3.5, 6.5) is a class-1 row among class 0 in x0
# but with class 1 in x1, which min_samples_leaf = 2 keeps from being isolated.
TRAIN = [
    ((1.0, 2.0), 0), ((2.0, 1.0), 0), ((3.0, 3.0), 0), ((4.0, 2.0), 0),
    ((6.0, 7.0), 1), ((7.0, 6.0), 1), ((8.0, 8.0), 1), ((3.5, 6.5), 1), ((7.5, 6.7), 2),
    ((10.0, 11.0), 2), ((11.0, 12.0), 2),
]
TEST = [((2.0, 2.0), 0), ((6.5, 7.5), 1), ((11.0, 11.0), 2), ((1.5, 1.5), 0), ((6.0, 7.5), 1), ((11.5, 11.5), 2)]
K = 3
OPTIONS = {"criterion": "entropy", "max_depth": 2, "min_samples_leaf": 2, "min_samples_split": 4}
FOREST = {"trees": 50, "max_features": 1, "seed": 7}


def entropy(counts):
    n = sum(counts)
    return -sum(c / n * math.log2(c / n) for c in counts if c > 0)


def counts(rows):
    c = [0] * K
    for _, label in rows:
        c[label] += 1
    return c


def grow(rows, depth, nodes, importances, total):
    node = {"counts": counts(rows), "depth": depth}
    nodes.append(node)
    imp = entropy(node["counts"])
    n = len(rows)
    if (OPTIONS["max_depth"] is not None and depth >= OPTIONS["max_depth"]) or n < OPTIONS["min_samples_split"] \
            or n < 2 * OPTIONS["min_samples_leaf"] or imp == 0:
        return node
    candidates = []
    for f in range(len(rows[0][0])):
        values = sorted(set(x[f] for x, _ in rows))
        for a, b in zip(values, values[1:]):
            t = a / 2 + b / 2
            left = [r for r in rows if r[0][f] <= t]
            right = [r for r in rows if r[0][f] > t]
            if len(left) < OPTIONS["min_samples_leaf"] or len(right) < OPTIONS["min_samples_leaf"]:
                continue
            score = len(left) * entropy(counts(left)) + len(right) * entropy(counts(right))
            candidates.append((score, f, t, left, right))
    if not candidates:
        return node
    candidates.sort(key=lambda c: c[0])
    if len(candidates) > 1 and candidates[1][0] - candidates[0][0] < 1e-9:
        raise SystemExit("tie at depth %d: %s" % (depth, [c[:3] for c in candidates[:2]]))
    score, f, t, left, right = candidates[0]
    importances[f] += (n * imp - score) / total
    node.update(feature=f, threshold=t)
    node["left"] = grow(left, depth + 1, nodes, importances, total)
    node["right"] = grow(right, depth + 1, nodes, importances, total)
    return node


def leaf(node, x):
    while "feature" in node:
        node = node["left"] if x[node["feature"]] <= node["threshold"] else node["right"]
    return node


def gini(c):
    n = sum(c)
    return 1 - sum((v / n) ** 2 for v in c)


def forest_tree(rows, rng):
    """One forest tree on a bootstrap sample (a list with repeats), unlimited depth, one feature per split."""
    c = counts(rows)
    if gini(c) == 0:
        return {"counts": c}
    features = list(range(len(rows[0][0])))
    rng.shuffle(features)
    for f in features:
        values = sorted(set(x[f] for x, _ in rows))
        if len(values) < 2:
            continue  # constant here: draw another
        best = None
        for a, b in zip(values, values[1:]):
            t = a / 2 + b / 2
            left = [r for r in rows if r[0][f] <= t]
            right = [r for r in rows if r[0][f] > t]
            score = len(left) * gini(counts(left)) + len(right) * gini(counts(right))
            if best is None or score < best[0]:
                best = (score, t, left, right)
        return {"feature": f, "threshold": best[1], "left": forest_tree(best[2], rng),
                "right": forest_tree(best[3], rng)}
    return {"counts": c}


def check_forest():
    for seed in range(200):
        rng = random.Random(seed)
        trees = [forest_tree([rng.choice(TRAIN) for _ in TRAIN], rng) for _ in range(FOREST["trees"])]
        for x, label in TEST:
            p = [0.0] * K
            for t in trees:
                c = leaf(t, x)["counts"]
                for k in range(K):
                    p[k] += c[k] / sum(c)
            if max(range(K), key=lambda k: (p[k], -k)) != label:
                raise SystemExit("forest seed %d misclassifies test row %s" % (seed, x))


def main():
    check_forest()
    nodes = []
    importances = [0.0, 0.0]
    root = grow(TRAIN, 0, nodes, importances, len(TRAIN))
    s = sum(importances)
    importances = [v / s for v in importances]
    proba = []
    for x, _ in TEST:
        c = leaf(root, x)["counts"]
        proba.append([v / sum(c) for v in c])
    predictions = [max(range(K), key=lambda k: (p[k], -k)) for p in proba]
    fixture = {
        "kind": "tree",
        "generator": "generate_three_class_tree.py (exhaustive CART from the task sentence, Python standard library)",
        "task": "CART classification tree grown on X_train/y_train with the given criterion (gini, or entropy in "
                "bits), max_depth, min_samples_leaf and min_samples_split, every feature considered at every split, "
                "thresholds at the midpoint between consecutive distinct values; feature importances are the "
                "normalised total weighted impurity decrease per feature. Report the tree's node count and depth, "
                "its feature importances, its class predictions and class probabilities (leaf class frequencies) on "
                "X_test, and the test accuracy of a random forest grown with the forest options (bootstrap samples, "
                "max_features features drawn per split, majority of averaged probabilities).",
        "feature_names": ["x0", "x1"],
        "X_train": [list(x) for x, _ in TRAIN],
        "y_train": [y for _, y in TRAIN],
        "X_test": [list(x) for x, _ in TEST],
        "y_test": [y for _, y in TEST],
        "tree": OPTIONS,
        "forest": FOREST,
        "expected": {
            "tree_node_count": len(nodes),
            "tree_depth": max(n["depth"] for n in nodes),
            "tree_feature_importances": importances,
            "tree_predictions_test": predictions,
            "tree_proba_test": proba,
            "forest_test_accuracy": 1.0,
        },
    }
    print(json.dumps(fixture, indent=1))
    for n in nodes:
        print(n["depth"], n["counts"], n.get("feature"), n.get("threshold"), file=sys.stderr)


if __name__ == "__main__":
    main()
