#!/usr/bin/env python3
"""The issue-8 PROBE network in PyTorch, measured the way `streetnum bench --preset probe` measures ours.

Optional peer measurement, not a project dependency: Debian's `apt-get install python3-torch`, then
  /usr/bin/python3 scripts/bench-pytorch-probe.py [--seconds 10]
Prints one JSON line: training images/s (minibatch 32, Adam) and inference images/s at batch 1 and 64.
Network: conv 32-64-128-160 (5x5, same padding, ReLU, max-pool 2x2 stride 2), dense 512 (dropout 0.5),
a 7-way length head and five 10-way digit heads; input 3x54x54.
"""
import argparse, json, time
import torch
import torch.nn as nn
import torch.nn.functional as F


class Probe(nn.Module):
    def __init__(self):
        super().__init__()
        chans = [3, 32, 64, 128, 160]
        self.convs = nn.ModuleList(nn.Conv2d(a, b, 5, padding=2) for a, b in zip(chans, chans[1:]))
        self.dense = nn.Linear(160 * 3 * 3, 512)
        self.heads = nn.ModuleList([nn.Linear(512, 7)] + [nn.Linear(512, 10) for _ in range(5)])

    def forward(self, x):
        for c in self.convs:
            x = F.max_pool2d(F.relu(c(x)), 2)
        x = F.dropout(F.relu(self.dense(x.flatten(1))), 0.5, self.training)
        return [h(x) for h in self.heads]


def rate(step, batch, seconds):
    for _ in range(3):
        step()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        step()
        n += batch
    return n / (time.perf_counter() - start)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    net = Probe()
    params = sum(t.numel() for t in net.parameters())
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    x32 = torch.randn(32, 3, 54, 54)
    y = [torch.randint(0, 7, (32,))] + [torch.randint(0, 10, (32,)) for _ in range(5)]

    def train_step():
        opt.zero_grad()
        loss = sum(F.cross_entropy(o, t) for o, t in zip(net(x32), y))
        loss.backward()
        opt.step()

    net.train()
    train = rate(train_step, 32, a.seconds)
    net.eval()
    with torch.no_grad():
        x1, x64 = torch.randn(1, 3, 54, 54), torch.randn(64, 3, 54, 54)
        infer1 = rate(lambda: net(x1), 1, a.seconds)
        infer64 = rate(lambda: net(x64), 64, a.seconds)
    print(json.dumps({"peer": "pytorch " + torch.__version__, "parameters": params, "threads": a.threads,
                      "trainImagesPerSecond": train, "infer1ImagesPerSecond": infer1,
                      "infer64ImagesPerSecond": infer64}))


if __name__ == "__main__":
    main()
