// The operating system trust store Install- and Uninstall-TokentapCertificate change.
namespace Tokentap;

/// <summary>Which trust store to change.</summary>
public enum CertificateStoreScope
{
    /// <summary>The current user's store (Windows CurrentUser\Root, the macOS login keychain).</summary>
    CurrentUser,

    /// <summary>The machine's store (Windows LocalMachine\Root, the macOS System keychain, the Linux system anchors).</summary>
    LocalMachine,
}
