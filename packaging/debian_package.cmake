# The Debian package: `cpack -G DEB` in a configured build tree (scripts/package.sh does it with
# the portable `package` preset). Everything the install() rules of this project install goes in,
# under /usr.
set(CPACK_GENERATOR DEB)
set(CPACK_SOURCE_GENERATOR "")
set(CPACK_PACKAGE_NAME attention-lab)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "The Attention Lab authors")
set(CPACK_PACKAGE_CONTACT "${ATTNLAB_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "explore and teach the attention mechanism")
# The long description, wrapped for an 80-column terminal; paragraphs separated by an empty line
# (CPack writes the " ." lines).
set(CPACK_PACKAGE_DESCRIPTION
    "Attention Lab is a desktop program for teaching and exploring the attention
mechanism of neural networks. Type a sentence, pick a scoring function, a
number of heads and a mask, and watch heatmaps of the attention weights of
every head change as you type.

It steps through the computation with every number shown, compares two
settings side by side, explains why scores are scaled by the square root of
the key width, opens shipped and saved lessons (.attnlab), shows weights
exported from a trained model, and exports figures (PNG, SVG, PDF) and data
(JSON, CSV, NPY), also from the command line without a display. The
interface speaks English and Simplified Chinese.")

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # attention-lab_VERSION-REVISION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE "${ATTNLAB_DEB_RELEASE}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${ATTNLAB_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION education)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends: computed by dpkg-shlibdeps from the libraries the program links (Qt, ICU, QCustomPlot,
# OpenMP, the C++ runtime), so it follows whatever this machine's build links.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Chinese text needs a CJK font; Qt's own dialogs speak Chinese with Qt's translations.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "fonts-noto-cjk, qt6-translations-l10n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# No homepage (CPACK_DEBIAN_PACKAGE_HOMEPAGE stays empty). No maintainer scripts: dpkg's triggers
# of shared-mime-info, desktop-file-utils and the icon cache update their databases.
include(CPack)
