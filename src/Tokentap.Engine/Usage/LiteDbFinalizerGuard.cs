// Keeps LiteDB's transaction finalizer from running: after a failed write it throws on the finalizer thread.
using System.Collections;
using System.Reflection;
using LiteDB.Engine;

namespace Tokentap.Engine.Usage;

/// <summary>
/// LiteDB 5's TransactionService has a finalizer that disposes the transaction again if nobody did. After a failed
/// write (a disk error in LiteDB's background log writer, which closes the engine from that thread, or a write the
/// watchdog revoked) a transaction can be left undisposed, and its finalizer then throws ("discarded page must be
/// writable") on the finalizer thread, which ends the process: a test host died that way. A transaction holds only
/// managed memory, so skipping its finalizer loses nothing. This reaches LiteDB's private fields (the engine's
/// transaction monitor, its transactions and its per-thread slot) by reflection; if a LiteDB version lacks them, it
/// does nothing.
/// </summary>
internal static class LiteDbFinalizerGuard
{
    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;
    private static readonly FieldInfo? Monitor = typeof(LiteEngine).GetField("_monitor", Private);
    private static readonly FieldInfo? Transactions = Monitor?.FieldType.GetField("_transactions", Private);
    private static readonly FieldInfo? Slot = Monitor?.FieldType.GetField("_slot", Private);

    // Held here for the process's life: the runtime keeps a type's reflection cache only weakly, and a getter looked up
    // per call became a new MethodInfo after each collection, with a new invoke stub emitted and JIT-compiled for it.
    private static readonly MethodInfo? SlotValue = Slot?.FieldType.GetProperty("Value")?.GetMethod;

    /// <summary>Takes every transaction the engine knows of now (all threads', and this thread's) off finalization.</summary>
    public static void Protect(LiteEngine engine)
    {
        try
        {
            var monitor = Monitor?.GetValue(engine);
            if (monitor is null)
            {
                return;
            }

            if (Transactions?.GetValue(monitor) is IDictionary transactions)
            {
                lock (transactions)
                {
                    foreach (var transaction in transactions.Values)
                    {
                        Suppress(transaction);
                    }
                }
            }

            if (Slot?.GetValue(monitor) is { } slot && SlotValue?.Invoke(slot, BindingFlags.DoNotWrapExceptions, null, null, null) is { } current)
            {
                Suppress(current);
            }
        }
        catch (Exception ex) when (ex is TargetException or MemberAccessException or InvalidOperationException or ObjectDisposedException)
        {
            // A monitor already disposed (its slot with it), or a LiteDB whose layout differs: nothing to protect.
        }
    }

    private static void Suppress(object? transaction)
    {
        if (transaction is not null)
        {
            GC.SuppressFinalize(transaction);
        }
    }
}
