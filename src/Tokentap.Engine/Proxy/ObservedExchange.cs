// What the forwarder needs to report the end of one exchange: its tap pump, its log label and its start time.
using System.Diagnostics;

namespace Tokentap.Engine.Proxy;

/// <summary>One exchange as seen for reporting; <see cref="Pump"/> is null when nobody observes it.</summary>
internal readonly record struct ObservedExchange(TapPump? Pump, string Label, long StartedTimestamp)
{
    public double ElapsedMs => Stopwatch.GetElapsedTime(StartedTimestamp).TotalMilliseconds;
}
