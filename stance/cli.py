"""``stance`` command line: a thin layer over the Python API (stance.run, stance.extract, stance.training.nli.train, ...)."""
from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from stance.errors import StanceError


def _cmd_run(a) -> int:
    from stance.pipeline import run

    res = run(a.corpus, config=a.config, out=a.out, model=a.model, targets=a.target or None, quiet=a.quiet or None,
              overwrite=a.overwrite or None, skip_bad_files=a.skip_bad_files or None, overrides=_overrides(a))
    if not a.quiet:
        from stance.stages.report import conflict_groups, oriented

        groups = conflict_groups(res.scored)
        rel = res.info["counts"]["relations"]
        print(f"\nWho contradicts whom ({len(res.scored)} pairs judged: {rel['denies']} denies, "
              f"{rel['disputes']} disputes, {rel['contradicts']} contradicts):")
        if not groups:
            print("  no conflicting pairs")
        for i, g in enumerate(groups[:a.top], 1):
            more = f"  (+{len(g.pairs) - 2} more)" if len(g.pairs) > 2 else ""
            print(f"  {i}. {g.relation} {g.score:.2f}: {g.headline}{more}")
            for s in g.pairs[:2]:
                neg, pos = oriented(s)
                print(f"       {s.score:.2f}  {neg.doc_id}: {_clip(neg.text)}")
                print(f"             vs {pos.doc_id}: {_clip(pos.text)}")
        print(f"\nReport: {res.out_dir / 'report.html'}  (also report.md, contradictions.jsonl, run.json)")
        print(f"Time: {res.timings.get('total', 0):.1f}s  ({', '.join(f'{k} {v:.1f}s' for k, v in res.timings.items() if k != 'total')})")
    return 0


def _overrides(a) -> dict:
    """Command-line flags that set config keys (validated with the config)."""
    out: dict = {}
    if getattr(a, "engine", None):
        out.setdefault("engine", {})["kind"] = a.engine
    if getattr(a, "ray_address", None):
        out.setdefault("engine", {})["address"] = a.ray_address
    for flag, key in (("backend", "backend"), ("precision", "precision")):
        if getattr(a, flag, None):
            out.setdefault("scoring", {})[key] = getattr(a, flag)
    if getattr(a, "no_cache", False):
        out.setdefault("scoring", {})["cache"] = False
    return out


def _clip(text: str, n: int = 110) -> str:
    text = text if len(text) <= n else text[: n - 1].rstrip() + "…"
    return text if text[:1] in "“\"" else f"“{text}”"


def _cmd_claims(a) -> int:
    from stance.pipeline import extract_claims_to

    path, claims = extract_claims_to(a.corpus, a.out, config=a.config, overwrite=a.overwrite,
                                     skip_bad_files=a.skip_bad_files or None)
    if not a.quiet:
        att = {k: sum(c.attitude == k for c in claims) for k in ("asserts", "denies", "doubts")}
        print(f"{len(claims)} claims ({sum(c.attributed for c in claims)} attributed; {att['denies']} denials, "
              f"{att['doubts']} doubts) from {len({c.doc_id for c in claims})} documents")
        print(f"wrote {path}")
    return 0


def _cmd_train(a) -> int:
    from stance.training.nli import train

    train(a.config, a.out, resume=a.resume, data_dir=a.data_dir, quiet=a.quiet, work=a.work)
    print(f"model written to {a.out}")
    return 0


def _cmd_export_mixture(a) -> int:
    from stance.training.distill import export_mixture

    counts = export_mixture(a.config, a.out, unlabelled=a.unlabelled, data_dir=a.data_dir)
    print(f"wrote {a.out}: {counts['train']} training pairs, {counts['unlabelled']} unlabelled news pairs, "
          f"dev {counts['dev']}")
    return 0


def _cmd_distill(a) -> int:
    from stance.training.distill import distil

    report = distil(a.mixture, a.teacher, a.out, student=a.student, time_limit=a.time_limit, device=a.device,
                    work=a.work, quiet=a.quiet)
    print(f"wrote {a.out}: " + ", ".join(f"{k} {v['macro_f1']:.3f}" for k, v in report["dev"].items()))
    return 0


def _cmd_train_tagger(a) -> int:
    from stance.training.tagger import train_tagger

    state = train_tagger(a.out, polnear=a.polnear, work=a.work, epochs=a.epochs, resume=a.resume,
                         threads=a.threads, log=(lambda *x: None) if a.quiet else print)
    print(f"tagger written to {a.out} (best PolNeAR dev mean F1 {state['best_f1']:.4f})")
    return 0


def _scorer_for(a):
    from stance.pipeline import build_scorer, load_config

    cfg, _ = load_config(a.config, _overrides(a))
    if a.model:
        cfg["scoring"]["model"] = a.model
    return build_scorer(cfg)


def _cmd_eval(a) -> int:
    from stance.evaluation import labelled as E

    chosen = [x for x in (a.pairs, a.stances, a.nli_dataset, a.polnear) if x]
    if len(chosen) != 1:
        raise StanceError("stance eval: give exactly one of --pairs FILE, --stances FILE, --nli-dataset KIND PATH "
                          "or --polnear [DIR]")
    if a.polnear:
        from stance.evaluation.attribution import evaluate_polnear, format_polnear, write_polnear_json

        res = evaluate_polnear(a.split, a.extractor, polnear=None if a.polnear == "default" else a.polnear,
                               tagger_path=a.tagger, config=a.config)
        print(format_polnear(res))
        if a.json:
            write_polnear_json(res, a.json)
            print(f"\nwrote {a.json}")
        return 0
    if a.stances:  # validate the labelled file before loading the model
        E.read_jsonl_records(Path(a.stances), ("doc", "target", "stance"), {"stance": E.STANCES})
        scorer = _scorer_for(a)
        res = E.evaluate_stances(a.stances, a.corpus, scorer, a.config)
        pairs = None
    else:
        if a.pairs:
            pairs, two_way, notes = E.read_pairs(a.pairs), False, []
        else:
            pairs, two_way, notes = E.read_nli_dataset(a.nli_dataset[0], a.nli_dataset[1], a.holdout)
        scorer = _scorer_for(a)
        if a.pairs and not a.nli_only:
            from stance.stages.judge import JudgeOptions
            from stance.pipeline import load_claim_tagger, load_config

            cfg, _ = load_config(a.config)
            res = E.evaluate_pairs_judged(pairs, scorer, JudgeOptions.from_config(cfg.get("judge", {})), notes=notes,
                                          tagger=load_claim_tagger(cfg))
        else:
            res = E.evaluate_pairs(pairs, scorer, two_way, notes=notes)
    print(f"model: {scorer.info.name_or_path}")
    print(E.format_result(res, pairs, a.show_errors))
    if a.json:
        E.write_json(res, a.json)
        print(f"\nwrote {a.json}")
    return 0


def _scoring_flags(p) -> None:
    p.add_argument("--backend", choices=["torch", "onnx"], help="NLI backend (scoring.backend)")
    p.add_argument("--precision", choices=["fp32", "bf16", "int8"], help="NLI precision (scoring.precision)")
    p.add_argument("--no-cache", action="store_true", help="score every pair again (scoring.cache: false)")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="stance", description="Contradiction and stance detection across documents.")
    noise = p.add_mutually_exclusive_group()
    noise.add_argument("-v", "--verbose", action="store_true", help="debug diagnostics on stderr")
    noise.add_argument("-q", "--quiet", dest="global_quiet", action="store_true",
                       help="only warnings and errors on stderr (results still go to stdout)")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="run the pipeline on a corpus and write a contradiction report")
    r.add_argument("corpus", nargs="?", help="folder of .txt/.md (+ manifest.json) or a .jsonl file "
                                             "(default: corpus.path in the config)")
    r.add_argument("--config", help="YAML config overlaid on configs/default.yaml")
    r.add_argument("--out", help="output folder (report.path)")
    r.add_argument("--model", help="NLI model: local folder or hub id (scoring.model)")
    r.add_argument("--target", action="append", help="target claim for per-document stance; repeatable (targets.texts)")
    r.add_argument("--quiet", action="store_true", help="no progress output (report.quiet)")
    r.add_argument("--overwrite", action="store_true", help="replace a non-empty output folder (report.overwrite)")
    r.add_argument("--skip-bad-files", action="store_true",
                   help="skip empty, binary, non-UTF-8 or oversized files (corpus.skip_bad_files)")
    r.add_argument("--top", type=int, default=8, help="conflict groups printed (the report has them all)")
    _scoring_flags(r)
    r.add_argument("--engine", choices=["local", "ray"], help="where embedding and NLI run (engine.kind)")
    r.add_argument("--ray-address", help="Ray cluster to join (engine.address; default $RAY_ADDRESS, else a local Ray)")
    r.set_defaults(func=_cmd_run)

    c = sub.add_parser("claims", help="extract attributed claims only (stages 1-2): writes DIR/claims.jsonl")
    c.add_argument("corpus", nargs="?", help="folder of .txt/.md (+ manifest.json) or a .jsonl file")
    c.add_argument("--out", required=True, help="output folder for claims.jsonl")
    c.add_argument("--config", help="YAML config overlaid on configs/default.yaml")
    c.add_argument("--overwrite", action="store_true", help="replace an existing claims.jsonl")
    c.add_argument("--skip-bad-files", action="store_true")
    c.add_argument("--quiet", action="store_true")
    c.set_defaults(func=_cmd_claims)

    t = sub.add_parser("train", help="train the NLI cross-encoder (needs ../shared/data)")
    t.add_argument("--config", default="configs/train_nli.yaml")
    t.add_argument("--out", default="models/stance-nli-minilm")
    t.add_argument("--work", default=".cache/nli-train", help="checkpoints, best dev checkpoint and log, outside git")
    t.add_argument("--resume", action="store_true", help="continue from WORK/checkpoint")
    t.add_argument("--data-dir", help="override data_dir in the config")
    t.add_argument("--quiet", action="store_true")
    t.set_defaults(func=_cmd_train)

    x = sub.add_parser("export-mixture", help="write the NLI training mixture and unlabelled news pairs to one "
                                               "file, for `stance distill` on a machine without ../shared/data")
    x.add_argument("--config", default="configs/train_nli.yaml")
    x.add_argument("--out", required=True, help="FILE.jsonl.gz")
    x.add_argument("--unlabelled", type=int, default=200_000, help="unlabelled news pairs to include")
    x.add_argument("--data-dir", help="override data_dir in the config")
    x.set_defaults(func=_cmd_export_mixture)

    d = sub.add_parser("distill", help="fine-tune a teacher, distil it into MiniLM, within a time limit (a GPU run)")
    d.add_argument("--mixture", required=True, help="the file `stance export-mixture` wrote")
    d.add_argument("--teacher", required=True, help="encoder folder or hub id (e.g. all-mpnet-base-v2)")
    d.add_argument("--student", default="minilm", help="student encoder (default: minilm)")
    d.add_argument("--out", required=True, help="model folder to write")
    d.add_argument("--time-limit", type=float, default=540.0, help="seconds for all phases together")
    d.add_argument("--device", help="cuda or cpu (default: cuda when available)")
    d.add_argument("--work", default=".cache/distill", help="the log and the student checkpoint, outside git")
    d.add_argument("--quiet", action="store_true")
    d.set_defaults(func=_cmd_distill)

    tt = sub.add_parser("train-tagger", help="train the attribution tagger on PolNeAR train (needs ../shared/data)")
    tt.add_argument("--out", default="models/stance-attribution-minilm")
    tt.add_argument("--polnear", help="PolNeAR folder (default ../shared/data/attribution/polnear)")
    tt.add_argument("--work", default=".cache/tagger", help="checkpoints and log, outside git")
    tt.add_argument("--epochs", type=int, default=4)
    tt.add_argument("--threads", type=int, default=2)
    tt.add_argument("--resume", action="store_true", help="continue from WORK/checkpoint")
    tt.add_argument("--quiet", action="store_true")
    tt.set_defaults(func=_cmd_train_tagger)

    e = sub.add_parser("eval", help="score a model on labelled pairs, NLI data sets or document stances")
    e.add_argument("--pairs", help="JSONL with premise, hypothesis, label")
    e.add_argument("--stances", help="JSONL with doc, target, stance (agree/disagree/discuss/unrelated)")
    e.add_argument("--nli-dataset", nargs=2, metavar=("KIND", "PATH"), help="sick|snli|xnli|rte|anli and its file")
    e.add_argument("--holdout", metavar="TRAIN_CONFIG",
                   help="with --nli-dataset snli|xnli: score only the part that training config held back")
    e.add_argument("--corpus", default="examples/bounties", help="corpus for --stances")
    e.add_argument("--model", help="NLI model folder or hub id (default: scoring.model)")
    e.add_argument("--config", help="YAML config overlaid on configs/default.yaml")
    _scoring_flags(e)
    e.add_argument("--polnear", nargs="?", const="default", metavar="DIR",
                   help="attribution extraction on PolNeAR (default ../shared/data/attribution/polnear)")
    e.add_argument("--split", default="dev", help="with --polnear: dev (default) or train")
    e.add_argument("--extractor", default="hybrid", help="with --polnear: rules, tagger or hybrid")
    e.add_argument("--tagger", help="with --polnear: tagger folder (default claims.tagger)")
    e.add_argument("--nli-only", action="store_true",
                   help="with --pairs: score the raw texts with the bare NLI model, not the source-aware judgement")
    e.add_argument("--json", help="write the metrics as JSON here")
    e.add_argument("--show-errors", type=int, default=50, help="misclassified pairs to print")
    e.set_defaults(func=_cmd_eval)

    from stance.fnc.cli import register_cli as register_fnc

    register_fnc(sub)
    return p


def setup_logging(verbose: bool = False, quiet: bool = False) -> None:
    """Diagnostics (progress, stage counts, warnings) go to stderr through ``logging``; results to stdout."""
    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    fmt = "%(levelname)s %(name)s: %(message)s" if verbose else "%(message)s"
    root = logging.getLogger("stance")
    for h in list(root.handlers):
        root.removeHandler(h)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(fmt))
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_OFFLINE", "0")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.global_quiet and hasattr(args, "quiet"):
        args.quiet = True
    setup_logging(verbose=args.verbose, quiet=args.global_quiet or bool(getattr(args, "quiet", False)))
    try:
        return args.func(args)
    except StanceError as exc:
        print(f"stance: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("stance: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `stance ... | head`: the reader left; not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
