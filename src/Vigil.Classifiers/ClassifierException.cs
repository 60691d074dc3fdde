namespace Vigil.Classifiers;

/// <summary>A classifier could not score: the model failed to load or run, or the vendor's service failed or answered wrongly.</summary>
public sealed class ClassifierException : Exception
{
    /// <summary>A classifier error with its message.</summary>
    public ClassifierException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
