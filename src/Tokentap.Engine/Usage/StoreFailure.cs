// Classifies exceptions from the usage store, so callers outside the engine never need LiteDB's types.
namespace Tokentap.Engine.Usage;

/// <summary>Classification of store exceptions.</summary>
public static class StoreFailure
{
    /// <summary>The kind of store failure, or null when the exception is not one.</summary>
    public static StoreFailureKind? Classify(Exception exception) => exception switch
    {
        UsageStoreBusyException => StoreFailureKind.Busy,
        UsageStoreVersionException => StoreFailureKind.NewerVersion,
        UsageStoreDamagedException => StoreFailureKind.Damaged,
        UnauthorizedAccessException => StoreFailureKind.AccessDenied,
        IOException => StoreFailureKind.Unavailable,
        LiteDB.LiteException => StoreFailureKind.Damaged,
        _ => null,
    };
}
