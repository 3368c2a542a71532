// A trust-store change that could not be made, with what the user can do about it.
namespace Tokentap.Engine.Trust;

/// <summary>Thrown when the certificate cannot be trusted or untrusted; the message says what to run instead.</summary>
public sealed class TrustStoreException : Exception
{
    public TrustStoreException(string message, bool needsElevation = false)
        : base(message)
    {
        NeedsElevation = needsElevation;
    }

    /// <summary>True when the change needs root or administrator rights the process does not have.</summary>
    public bool NeedsElevation { get; }
}
