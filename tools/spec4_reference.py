#!/usr/bin/env python3
"""An independent reference of docs/spec.md §4, in exact fractions, run against revcap.

Generates random scenarios (years, quarters, months; revenues with up to 4 decimals;
per-period rates), random terms (term start and end inside or around the data, up to
three rate steps, caps, amounts already paid), runs `revcap run --format json` on
each, and checks every period's eligible revenue, uncapped payment, payment and
cumulative payment, and the binding date, against this file's own computation.

    cargo build && python3 tools/spec4_reference.py [CASES] [SEED]

Not part of `cargo test` (it needs Python); run it after changing the engine.
"""
import os, sys, tempfile
from decimal import Decimal
BIN = os.environ.get("REVCAP", os.path.join(os.path.dirname(__file__), "..", "target", "debug", "revcap"))
CSV = os.path.join(tempfile.mkdtemp(), "c.csv")
import sys, json, datetime as dt
from fractions import Fraction as F
from decimal import Decimal, ROUND_HALF_EVEN, getcontext
getcontext().prec = 60
def r12(fr):
    d = Decimal(fr.numerator) / Decimal(fr.denominator)
    return F(d.quantize(Decimal('1e-12'), rounding=ROUND_HALF_EVEN))
def period_bounds(p):
    if 'Q' in p:
        y, q = p.replace('-Q', 'Q').split('Q'); y=int(y); q=int(q)
        s = dt.date(y, 3*q-2, 1); e = (dt.date(y+1,1,1) if q==4 else dt.date(y,3*q+1,1)) - dt.timedelta(1)
    elif '-' in p:
        y, m = map(int, p.split('-')); s = dt.date(y,m,1); e = (dt.date(y+1,1,1) if m==12 else dt.date(y,m+1,1)) - dt.timedelta(1)
    else:
        y=int(p); s=dt.date(y,1,1); e=dt.date(y,12,31)
    return s,e
def run(rows, rate, steps, cap, already, frm, thr):
    rows = sorted(rows, key=lambda r: period_bounds(r[0])[0])
    if frm is None: frm = period_bounds(rows[0][0])[0]
    budget = None if cap is None else cap - already
    paid = F(0); out=[]; bind=None
    if budget is not None and budget <= 0: bind = frm
    for p, rev, prate in rows:
        s,e = period_bounds(p); D=(e-s).days+1
        lo=max(s,frm); hi=min(e,thr); segs=[]
        if lo<=hi:
            st=lo
            for (sd, sr) in steps:
                if st < sd <= hi: segs.append((st, sd-dt.timedelta(1))); st=sd
            segs.append((st,hi))
        el=un=pa=F(0)
        for a,b in segs:
            r = prate if prate is not None else ([sr for sd,sr in steps if sd<=a] or [rate])[-1]
            d=(b-a).days+1
            ue=r12(rev*d/D); uu=r12(rev*r*d/D)
            if budget is None: pp=uu
            else:
                rem=max(budget-paid,0)
                if bind is None and uu>0 and uu>=rem:
                    k=1
                    import math
                    k=max(1, math.ceil(rem*d/uu)); bind=a+dt.timedelta(k-1)
                pp=min(uu,rem)
            el+=ue; un+=uu; pa+=pp; paid+=pp
        out.append((p, el, un, pa, paid))
    return out, bind

import json, datetime as dt, random, subprocess
from fractions import Fraction as F
random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
bad=0
for case in range(int(sys.argv[1]) if len(sys.argv) > 1 else 150):
    g=random.choice(['y','q','m'])
    n=random.randint(1,14)
    y0=random.randint(2025,2029)
    ps=[]
    if g=='y': ps=[str(y0+i) for i in range(n)]
    elif g=='q': ps=[f"{y0+(i//4)}Q{i%4+1}" for i in range(n)]
    else: ps=[f"{y0+(i//12)}-{i%12+1:02d}" for i in range(n)]
    rows=[]
    lines=["period,revenue,rate"]
    for p in ps:
        rev=F(random.randint(0,10**random.randint(1,13)), 10**random.randint(0,4))
        rt=None
        if random.random()<0.2: rt=F(random.randint(0,100),100)
        rows.append((p,rev,rt))
        lines.append(f"{p},{float(rev) if False else str(Decimal(rev.numerator)/Decimal(rev.denominator))},{'' if rt is None else str(Decimal(rt.numerator)/Decimal(rt.denominator))}")
    random.shuffle(lines[1:])
    open(CSV,'w').write("\n".join(lines)+"\n")
    s0=period_bounds(ps[0])[0]; e0=period_bounds(ps[-1])[1]
    span=(e0-s0).days
    args=[]
    frm=None; thr=dt.date(2030,12,31)
    if random.random()<0.6:
        frm=s0+dt.timedelta(random.randint(-30,span)); args+=['--from',str(frm)]
    if random.random()<0.6:
        thr=(frm or s0)+dt.timedelta(random.randint(0,span+30)); args+=['--through',str(thr)]
    steps=[]
    for _ in range(random.randint(0,3)):
        sd=s0+dt.timedelta(random.randint(0,span)); sr=F(random.randint(0,100),100)
        if sd in [x for x,_ in steps]: continue
        steps.append((sd,sr)); args+=['--rate-step',f"{sd}={Decimal(sr.numerator)/Decimal(sr.denominator)}"]
    steps.sort()
    cap=None
    if random.random()<0.8:
        cap=F(random.randint(0,10**random.randint(1,13)),100); args+=['--cap',str(Decimal(cap.numerator)/Decimal(cap.denominator))]
    al=F(0)
    if random.random()<0.3:
        al=F(random.randint(0,10**random.randint(1,12)),100); args+=['--already-paid',str(Decimal(al.numerator)/Decimal(al.denominator))]
    if frm and frm>thr: continue
    r=subprocess.run([BIN,'run',CSV,'--format','json','--no-files']+args,capture_output=True,text=True)
    if r.returncode!=0: print("ERR",args,r.stderr); bad+=1; continue
    j=json.loads(r.stdout)
    out,bind=run(rows,F(1,5),steps,cap,al,frm,thr)
    sc=j['scenarios'][0]
    okp=all(F(jp['eligible_revenue'])==el and F(jp['uncapped_payment'])==un and F(jp['payment'])==pa and F(jp['cumulative'])==cum for (p,el,un,pa,cum),jp in zip(out,sc['periods']))
    okb=(str(bind) if bind else None)==sc['summary']['binding_date'] and (bind is not None)==sc['summary']['cap_binds']
    if not(okp and okb):
        bad+=1; print("MISMATCH",case,args,bind,sc['summary']); print(open(CSV).read())
print(f"{bad} mismatches")
sys.exit(1 if bad else 0)
