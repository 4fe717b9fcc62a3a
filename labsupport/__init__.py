"""labsupport: the models behind "From the Ground Up", one module per mechanism.

============================  ================================================  ==========================
module                        mechanism                                         chapter
============================  ================================================  ==========================
``labsupport.common``         percentiles, CDFs, input checks, answer checks    (every chapter)
``labsupport.queueing``       M/M/1 and M/M/c queues, Little's law, SimPy       Measuring performance
``labsupport.tails``          fan-out, the tail at scale, hedged requests       Measuring performance
``labsupport.srd``            ECMP hashing, TCP vs SRD multipath transport      SRD
``labsupport.serverless``     keep-alive and LRU pools of execution envs        Lambda SnapStart
``labsupport.snapshots``      snapshot/restore, uniqueness, snapshot loading    Lambda SnapStart
============================  ================================================  ==========================

Plotting (``labsupport.plotting``) and widgets (``labsupport.ui``) are kept apart from the models.
"""

__version__ = "0.1.0"
