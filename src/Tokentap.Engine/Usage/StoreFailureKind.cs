// The kinds of usage-store failure the module maps to error ids.
namespace Tokentap.Engine.Usage;

/// <summary>The kinds of failure reading or writing the usage database.</summary>
public enum StoreFailureKind
{
    Busy,

    /// <summary>A schema this engine cannot read: a newer Tokentap's, or a pre-release build's (see <see cref="UsageStoreVersionException"/>).</summary>
    NewerVersion,
    AccessDenied,
    Unavailable,
    Damaged,
}
