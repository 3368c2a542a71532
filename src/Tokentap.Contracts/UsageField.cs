// The event labels whose distinct values the store lists (tab completion of the filter parameters).
namespace Tokentap;

/// <summary>A label of usage events with a small set of distinct values.</summary>
public enum UsageField
{
    /// <summary>Provider family.</summary>
    Provider,

    /// <summary>Model.</summary>
    Model,

    /// <summary>Calling application.</summary>
    App,

    /// <summary>Tokentap session.</summary>
    Session,

    /// <summary>Project.</summary>
    Project,
}
