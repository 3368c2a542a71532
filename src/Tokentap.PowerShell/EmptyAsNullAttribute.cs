// Binds an empty or blank string (an empty CSV cell) to a nullable parameter as null, not as 0.
using System.Management.Automation;

namespace Tokentap.PowerShell;

/// <summary>PowerShell converts "" to 0 for numeric parameters; for an optional number an empty cell means "not given".</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class EmptyAsNullAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value is string text && string.IsNullOrWhiteSpace(text) ? null : inputData;
    }
}
