using Vigil.Classifiers.Http;
using Vigil.Classifiers.Manifests;
using Vigil.Classifiers.Onnx;

namespace Vigil.Classifiers;

/// <summary>Opens the classifier a manifest describes.</summary>
public static class MediaClassifiers
{
    /// <summary>Reads the manifest at <paramref name="manifestPath"/> and opens its model or service.</summary>
    /// <exception cref="ClassifierManifestException">The manifest is invalid.</exception>
    /// <exception cref="ClassifierException">The model cannot be loaded, or the service's key is missing.</exception>
    public static IMediaClassifier Open(string manifestPath, int threads = 0) => Open(ClassifierManifestReader.Read(manifestPath), threads);

    /// <summary>Opens the model or service <paramref name="manifest"/> describes.</summary>
    public static IMediaClassifier Open(ClassifierManifest manifest, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return manifest.Onnx is not null ? new OnnxMediaClassifier(manifest, threads) : new HttpMediaClassifier(manifest);
    }
}
