#!/usr/bin/python3
# Why early stopping fails on some LCBench tasks: for 300 random configurations (Optuna RandomSampler(1)),
# the Spearman correlation between the value after r epochs and after 52, and where the 10 best at 52 rank
# after 1 epoch. Usage: /usr/bin/python3 bench/mf-fidelity-correlation.py yahpo-lcbench-7593,yahpo-lcbench-3945
# (HYPATIA = the distribution folder, DATA = ../shared/data by default)
# Spearman correlation between a configuration's value after 1 (3, 9) epochs and after 52, over random configurations,
# using Hypatia's own surrogate through the eval-server.
import sys, random, json
import os
HYPATIA = os.environ.get('HYPATIA', 'runtime/launcher/target/hypatia')
DATA = os.environ.get('DATA', '../shared/data')
sys.path.insert(0, os.path.join(HYPATIA, 'python'))
from optuna_pruners import EvalServer
from optuna_bench import parse_space
import optuna
def rank(xs):
    o=sorted(range(len(xs)),key=lambda i:xs[i]); rk=[0]*len(xs)
    for k,i in enumerate(o): rk[i]=k
    return rk
def spearman(a,b):
    ra,rb=rank(a),rank(b); n=len(a); ma=sum(ra)/n; mb=sum(rb)/n
    cov=sum((x-ma)*(y-mb) for x,y in zip(ra,rb)); va=sum((x-ma)**2 for x in ra); vb=sum((y-mb)**2 for y in rb)
    return cov/(va*vb)**.5
optuna.logging.set_verbosity(optuna.logging.WARNING)
from optuna_bench import suggest
for b in sys.argv[1].split(','):
    s=EvalServer(os.path.join(HYPATIA, 'bin', 'hypatia'), b, DATA)
    space=parse_space(s.info['space'])
    st=optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    rows=[]
    for i in range(300):
        t=st.ask(); cfg=suggest(t, space)
        c=s.curve(cfg,[1,3,9,27,52],1); rows.append([v for v,_ in c])
    s.close()
    e52=[r[4] for r in rows]
    best=sorted(range(len(rows)),key=lambda i:-e52[i])[:10]
    top1=sorted(range(len(rows)),key=lambda i:-rows[i][0])
    ranks=sorted(top1.index(i)+1 for i in best)
    print(b, "rho(r,52): " + " ".join("%d:%.2f"%(r,spearman([x[k] for x in rows],e52)) for k,r in enumerate([1,3,9,27])),
          "| epoch-1 ranks of the 10 best at 52 (of 300):", ranks, flush=True)
