// The contents of a Name Constraints extension, as read back from a certificate.
namespace Tokentap.Engine.Certificates;

/// <summary>Permitted and excluded names of a Name Constraints extension (IP entries are address+mask bytes).</summary>
internal sealed record ParsedNameConstraints(
    bool Critical,
    IReadOnlyList<string> PermittedDnsNames,
    IReadOnlyList<string> ExcludedDnsNames,
    IReadOnlyList<byte[]> PermittedIpRanges,
    IReadOnlyList<byte[]> ExcludedIpRanges);
