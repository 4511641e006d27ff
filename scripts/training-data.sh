#!/usr/bin/env bash
# The training data the shipped ensemble's networks were trained on (r19's, r20b's, r21's and r23's command lines in
# models/README.md), rebuilt from the real photos beside the project and this repository's history, and
# checked against the sha256 their bundles' provenance names. A machine that lost data/ gets it back in
# about 6 minutes on 2 cores (measured: 2 min 57 s for every set but softE4 and softE5, 73 s for softE4, 94 s
# for softE5):
#
#   scripts/training-data.sh [OUT=data] [SVHN_DIR=../shared/svhn-real/train] [UNLABELLED=../shared/svhn-unlabelled/images]
#
#   OUT/svhn-real/{train,val,test}  the split fixed by index (datasets/svhn-real-split.csv)
#   OUT/synth                       30,000 synthetic train photos (generator seed 2026), val and test 500
#   OUT/recomposed                  30,000 numbers recomposed from real train digits (seed 7)
#   OUT/self9x3/localized-{1,2,3}   real train with the boxes r14 with l6..l9 (commit 5aba7f9) reads them in
#   OUT/soft19                      the 4,029 unlabelled photos with r19's six head distributions (commit 04ba4f3)
#   OUT/softE4                      the same photos with E4's (r19 + r20b, averaged; commit e2748c9)
#   OUT/softE5                      the same photos with E5's (r19 + r20b + r21, averaged; commit 692cf8a)
#
# Training data only: never report a figure on self9x3, soft19, softE4 or softE5. Exits 1 naming any set
# whose labels differ from the ones the shipped networks saw (soft19, softE4 and softE5: the files r20b's,
# r21's and r23's runs read on 2026-12-05).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-data}"
svhn="${2:-$here/../shared/svhn-real/train}"
unlabelled="${3:-$here/../shared/svhn-unlabelled/images}"
streetnum="$here/scripts/streetnum"
[[ -f "$svhn/labels.csv" ]] || { echo "training-data: $svhn/labels.csv not found (the real SVHN photos)" >&2; exit 2; }
[[ -d "$unlabelled" ]] || { echo "training-data: $unlabelled not found (the unlabelled photos)" >&2; exit 2; }
mkdir -p "$out"
teachers="$(mktemp -d)"
trap 'rm -rf "$teachers"' EXIT
# The bundles that wrote the self-made sets, from history (the shipped bundle is an ensemble now).
git -C "$here" show 5aba7f9:models/streetnum-cpu.bundle > "$teachers/r14-l6789.bundle"
git -C "$here" show 04ba4f3:models/streetnum-cpu.bundle > "$teachers/r19.bundle"
git -C "$here" show e2748c9:models/streetnum-cpu.bundle > "$teachers/E4.bundle"
git -C "$here" show 692cf8a:models/streetnum-cpu.bundle > "$teachers/E5.bundle"

"$here/scripts/split-svhn-real.sh" "$svhn" "$out/svhn-real"
[[ -f "$out/synth/train/labels.csv" ]] || "$streetnum" generate --out "$out/synth" --train 30000 --val 500 --test 500 --seed 2026
[[ -f "$out/recomposed/labels.csv" ]] || "$streetnum" recompose --real "$out/svhn-real/train" \
    --split "$here/datasets/svhn-real-split.csv" --out "$out/recomposed" --count 30000 --seed 7
if [[ ! -f "$out/self9x3/localized-1/labels.csv" ]]; then
  "$streetnum" localize-boxes --model "$teachers/r14-l6789.bundle" --data "$out/svhn-real/train" \
      --split "$here/datasets/svhn-real-split.csv" --out "$out/self9x3/localized-1"
fi
for i in 2 3; do
  # Siblings of the first copy: labels.csv's relative paths resolve the same from there.
  mkdir -p "$out/self9x3/localized-$i"
  cp "$out/self9x3/localized-1/labels.csv" "$out/self9x3/localized-$i/labels.csv"
done
[[ -f "$out/soft19/soft-targets.csv" ]] || "$streetnum" pseudo-label --model "$teachers/r19.bundle" \
    --images "$unlabelled" --out "$out/soft19" --soft
[[ -f "$out/softE4/soft-targets.csv" ]] || "$streetnum" pseudo-label --model "$teachers/E4.bundle" \
    --images "$unlabelled" --out "$out/softE4" --soft
[[ -f "$out/softE5/soft-targets.csv" ]] || "$streetnum" pseudo-label --model "$teachers/E5.bundle" \
    --images "$unlabelled" --out "$out/softE5" --soft

bad=0
while read -r sum file how; do
  if [[ "$how" == names ]]; then
    # Its rows name the unlabelled photos by a path relative to OUT, which differs by machine: compare
    # the rows with each photo's folder removed.
    got="$(sed -E 's|^[^,]*/||' "$out/$file" | sha256sum | cut -d' ' -f1)"
  else
    got="$(sha256sum "$out/$file" | cut -d' ' -f1)"
  fi
  if [[ "$got" != "$sum" ]]; then
    echo "training-data: $out/$file has sha256 $got, the shipped networks saw $sum" >&2
    bad=1
  fi
done <<'EOF'
af2b5d4b8ea88382f40272c347c358112aa9fb64f16757d96d7e735cca5671a6 svhn-real/train/labels.csv
95ec4dff240edf7c99ecd8e1c07c5c6c2c17a986b2b3e2d22f1a71944e7d2132 svhn-real/val/labels.csv
42ee739151afd876a97acec5b85e230d303c3d483598547945a3f82165d7d859 synth/train/labels.csv
ea7004b0c888075d7a4849afbcf708d8808dd9a1eda5d77160c4ce4578f09532 recomposed/labels.csv
cb1e57a862fedbdb6067c4fdfd090700a69dcbacb2b337474eed0ea485f6cc7e self9x3/localized-1/labels.csv
2bc784d4deb3c272b1f46eac44b2ec97867d641d790c472698527f77322d486a soft19/labels.csv names
19670dc023a171887cc41895a88d98d270bdd064604f199af4e1dd9fc4235cc8 soft19/soft-targets.csv names
8853ad19560045dbffc833a3f0c5ced9f928263eff24fda86263c70ea9bd21a9 softE4/labels.csv names
11ef06168da3d5bc2987d1348ea5901914c7eed0f69c435c1f7620a1cb3fb4f1 softE4/soft-targets.csv names
817a0425838330adc926a5d3bafb094fd0cb490ebd040bbed1d92940679643c6 softE5/labels.csv names
a690d629623d00a0a362a5395d4302ddd0b93e57bc7bdcca222efed61dcacb0e softE5/soft-targets.csv names
EOF
[[ $bad == 0 ]] && echo "training data in $out: every set as the shipped networks saw it"
exit $bad
