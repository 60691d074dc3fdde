namespace Vigil.Classifiers.Manifests;

/// <summary>A manifest that cannot be used: unreadable, not JSON, or a field missing or out of range (the message names it).</summary>
public sealed class ClassifierManifestException : Exception
{
    /// <summary>A manifest error with its message.</summary>
    public ClassifierManifestException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
