# install.cmake — `cmake --install` and CPack (issue 14 item 3).
#
#   cmake --install build/release --prefix ~/.local      # bin/leasesim, share/leasesim/...
#   (cd build/release && cpack -G DEB)                   # leasesim_<version>_<arch>.deb
#
# Layout under the prefix (GNUInstallDirs):
#   bin/leasesim, bin/leasesim-viz (when the viewer is built)
#   libexec/leasesim/leasesim-view.so   the viewer module `leasesim view` loads
#   share/leasesim/scenarios/...   the bundled scenarios and the incident corpus
#   share/leasesim/docs/...        docs/*.md, images and the sweep files (their relative
#                                  "base" paths resolve to share/leasesim/scenarios as in
#                                  a checkout)
#   share/doc/leasesim/README.md   (and the CLI's README as cli.md)
#   share/bash-completion/completions/leasesim   (`leasesim completion bash`)
#   share/man/man1/leasesim.1                    (`leasesim man`)
include(GNUInstallDirs)

install(TARGETS leasesim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET leasesim-viz)
  install(TARGETS leasesim-viz RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
if(TARGET leasesim_view)
  # cli/view_module.cc looks for it at ../libexec/leasesim/ from the executable.
  install(TARGETS leasesim_view LIBRARY DESTINATION libexec/leasesim)
endif()
install(FILES ${PROJECT_BINARY_DIR}/leasesim.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME leasesim)
install(FILES ${PROJECT_BINARY_DIR}/leasesim.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/ DESTINATION ${CMAKE_INSTALL_DATADIR}/leasesim/scenarios)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DATADIR}/leasesim/docs)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/cli/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME cli.md)

# CPack: a Debian package whose dependencies dpkg-shlibdeps reads off the binaries.
set(CPACK_PACKAGE_NAME leasesim)
set(CPACK_PACKAGE_VENDOR "leasesim")
set(CPACK_PACKAGE_CONTACT "leasesim maintainers <leasesim@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "deterministic simulation and chaos testing of Kubernetes lease leader election")
set(CPACK_PACKAGE_DESCRIPTION
    "leasesim runs a step-by-step port of client-go's LeaderElector against a fake\nkube-apiserver on virtual time, with skewed clocks, lossy networks, crashes and\nAPI-server faults, and measures split-brain, no-leader gaps and failovers.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE gzip)
include(CPack)
