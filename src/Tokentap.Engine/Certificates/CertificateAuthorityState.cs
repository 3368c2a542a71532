// What opening the certificate authority did, so the module can warn when trust must be renewed.
namespace Tokentap.Engine.Certificates;

/// <summary>The outcome of <see cref="CertificateAuthority.Open(string, IEnumerable{string}, TimeProvider?)"/>.</summary>
public enum CertificateAuthorityState
{
    /// <summary>The existing CA already permitted every intercept host; nothing changed.</summary>
    Loaded,

    /// <summary>No CA existed; a new one was created and must be trusted.</summary>
    Created,

    /// <summary>The CA was re-issued (same key, broader name constraints or renewed validity) and must be trusted again.</summary>
    Reissued,

    /// <summary>The CA files could not be read; a new CA replaced them and must be trusted.</summary>
    Replaced,
}
